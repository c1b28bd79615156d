/**
 * The capability path end to end with a source that only has a [nTest × nTrain] score matrix (the shape
 * of an imported TRAK / Python score file): rows, jump targets, first-order group sums and top-k /
 * greedy selection come from the matrix; everything that needs curvature says why it is unavailable.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from '../../helpers/synthetic';
import { Analyzer, UnavailableError, capabilities, resolveSettings, type InfluenceSource } from '../../../src/engine/analyzer/index';
import type { Dataset } from '../../../src/engine/data/dataset';

const WHY = 'only a score matrix was imported (no model, no Hessian)';

/** A minimal score-matrix source: nothing but a lookup table (what issue 11's reader will provide). */
function scoreMatrixSource(train: Dataset, test: Dataset, matrix: number[][]): InfluenceSource {
  return {
    kind: 'scores', train, test,
    fit: { gradNorm: NaN, iterations: 0, converged: true, objective: NaN, trainAccuracy: NaN, method: 'imported scores' },
    info: { kind: 'score matrix', nParams: 0, source: 'scores' },
    timings: { load: 0 },
    capabilities: capabilities({
      exactHessian: WHY, iterativeSolves: WHY, secondOrderGroups: WHY, newtonStep: WHY,
      retraining: WHY, samplers: WHY, selfInfluence: WHY, classSweep: WHY,
    }),
    rowScores(t) {
      const row = t === null
        ? matrix[0].map((_, i) => matrix.reduce((acc, r) => acc + r[i], 0) / matrix.length)
        : matrix[t];
      return { scores: Float64Array.from(row), solve: null, solveMs: 0, scoresMs: 0 };
    },
    predict: () => null,
    trainLosses: () => null,
  };
}

// 8 training rows (2 classes, 2 features), 2 test rows; scores chosen so the ranking is unambiguous.
const train = makeDataset([[0, 0], [0, 1], [1, 0], [1, 1], [5, 5], [5, 6], [6, 5], [6, 6]], [0, 0, 0, 0, 1, 1, 1, 1], 2, 'train.csv');
const testSet = makeDataset([[0.5, 0.5], [5.5, 5.5]], [0, 1], 2, 'test.csv');
const M = [
  [-0.5, 0.1, -0.2, 0.3, 0.05, -0.9, 0.2, 0.0],
  [0.4, -0.3, 0.1, -0.6, 0.7, 0.2, -0.1, 0.05],
];

describe('a score-matrix-only source', () => {
  const a = new Analyzer(scoreMatrixSource(train, testSet, M), resolveSettings({ top: 2 }));

  test('explain: the matrix row, the extremes with jump targets, no prediction, settings echoed', () => {
    const e = a.explain(0);
    assert.deepEqual(e.scores, M[0]);
    assert.deepEqual(e.harmful.map((r) => r.index), [5, 0]);
    assert.deepEqual(e.helpful.map((r) => r.index), [3, 6]);
    assert.deepEqual(e.harmful.map((r) => [r.file, r.line, r.label]), [['train.csv', 7, '1'], ['train.csv', 2, '0']]);
    assert.equal(e.solve, null);
    assert.equal(e.testLoss, null);
    assert.deepEqual(e.probabilities, []);
    assert.equal(e.settings?.top, 2);
    assert.ok(Object.isFrozen(e.settings));
  });

  test('groups: first-order sums of the rows, second order and Newton null with the reason', () => {
    const g = a.groups(1, [{ name: 'a', members: [0, 3] }, { name: 'b', kind: 'user', members: [4, 5, 6] }]);
    assert.equal(g[0].firstOrder, 0.4 + -0.6);
    assert.ok(Math.abs(g[1].firstOrder - (0.7 + 0.2 - 0.1)) < 1e-15);
    assert.deepEqual(g.map((x) => [x.secondOrder, x.newton, x.size, x.p]), [[null, null, 2, 0.25], [null, null, 3, 0.375]]);
    assert.match(g[0].warning ?? '', /first order only: only a score matrix/);
    // The whole test set: the mean of the rows.
    const all = a.groups(null, [{ name: 'c', members: [1] }]);
    assert.equal(all[0].firstOrder, (0.1 + -0.3) / 2);
    assert.throws(() => a.groups(0, [{ name: 'dup', members: [1, 1] }]), /same row twice/);
  });

  test('top-k and greedy selection on first order agree; PGD is refused with the reason', () => {
    for (const method of ['topk', 'greedy'] as const) {
      const s = a.select(1, 2, 'harmful', method);
      assert.deepEqual(s.members.map((r) => r.index), [1, 3], method);
      assert.equal(s.firstOrder, -0.3 + -0.6);
      assert.equal(s.secondOrder, null);
    }
    assert.deepEqual(a.select(1, 3, 'helpful', 'greedy').members.map((r) => r.index), [0, 4, 5]);
    assert.throws(() => a.select(1, 2, 'harmful', 'pgd'), (e: unknown) =>
      e instanceof UnavailableError && e.capability === 'secondOrderGroups' && e.message.includes(WHY));
  });

  test('retraining, self-influence and the sweep say why they are unavailable', () => {
    assert.equal(a.can('secondOrderGroups'), false);
    assert.equal(a.why('retraining'), WHY);
    assert.throws(() => a.groups(0, [{ name: 'a', members: [0] }], { retrain: true }), (e: unknown) => e instanceof UnavailableError && e.capability === 'retraining');
    assert.throws(() => a.retrainEffect(0, [0]), /retraining without a group .* is not available: only a score matrix/);
    assert.throws(() => a.selfInfluence(), (e: unknown) => e instanceof UnavailableError && e.capability === 'selfInfluence');
    assert.throws(() => a.sweep(), (e: unknown) => e instanceof UnavailableError && e.capability === 'classSweep');
    assert.deepEqual(a.describeCapabilities().filter((c) => c.available), []);
  });

  test('candidate groups: classes and neighbourhoods of the most harmful rows, no outlier group without losses', () => {
    const specs = a.candidateGroups(0, { clusters: 2, neighbourhood: 2 });
    assert.deepEqual(specs.filter((g) => g.kind === 'same-class').map((g) => g.members), [[0, 1, 2, 3], [4, 5, 6, 7]]);
    const coherent = specs.filter((g) => g.kind === 'coherent');
    // The harmful rows of test row 0 are 5, 0, 2 (negative scores, most negative first).
    assert.deepEqual(coherent.map((g) => g.name), ['neighbours of row 5 (k=2)', 'neighbours of row 0 (k=2)', 'neighbours of row 2 (k=2)']);
    assert.equal(specs.filter((g) => g.kind === 'self-influence').length, 0);
  });

  test('a test index out of range names the file', () => {
    assert.throws(() => a.explain(2), /test\.csv.*out of range/);
  });
});
