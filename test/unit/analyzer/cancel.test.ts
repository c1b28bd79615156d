/**
 * Cancellation reaches the explain solve. On the 784-pixel digits (7 850 parameters, so the CG solver)
 * the cancel flag is raised from the solver's first progress report; the explain must then throw
 * CancelledError at its next check, long before the solve would have converged. No clocks: the test
 * counts solver iterations (progress reports and Hessian-vector products).
 * Timing is measured, not asserted: `npx tsx scripts/measure-cancel.ts`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDigitsExample } from '../../../src/tools/digitsExample';
import { loadDataset } from '../../../src/engine/data/load';
import { LinearClassifier } from '../../../src/engine/models/linear';
import { Objective } from '../../../src/engine/objective';
import { Analyzer, resolveSettings } from '../../../src/engine/analyzer/index';
import { DifferentiableSource, reportAt } from '../../../src/engine/analyzer/sources/differentiable';
import { CancelledError, type Work } from '../../../src/engine/types';
import { gaussian, seededRandom } from '../../../src/engine/random';

describe('cancelling an explain on the 784-pixel digits', () => {
  let dir: string;
  let analyzer: Analyzer;
  let hvps = 0;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'il-cancel-'));
    const ex = ensureDigitsExample(dir);
    const train = loadDataset(ex.digits.train), test = loadDataset(ex.digits.test, { reference: train });
    assert.equal(train.d, 784);
    const settings = resolveSettings({ solver: 'cg' });
    const model = new LinearClassifier('softmax', train.d, train.classes.length);
    // Counts Hessian-vector products: one per CG iteration (plus the final residual check).
    const counted = Object.create(model) as LinearClassifier;
    counted.hvpSum = (...args: Parameters<LinearClassifier['hvpSum']>) => { hvps++; return model.hvpSum(...args); };
    const obj = new Objective(counted, train, { l2: settings.l2, regularizeBias: settings.regularizeBias });
    // A seeded random θ instead of the optimum: fitting takes tens of seconds here and is not what is
    // tested; the Hessian there is positive definite and conditioned like a fitted model's (at θ = 0 the
    // preconditioner makes CG converge in a handful of iterations).
    const rand = seededRandom(1);
    const theta = Float64Array.from({ length: model.nParams }, () => 0.1 * gaussian(rand));
    analyzer = new Analyzer(new DifferentiableSource({
      kind: 'linear', train, test, model: counted, obj, theta, fit: reportAt(obj, theta, 'θ = 0 (test)'), timings: {},
      info: { kind: 'softmax', nParams: model.nParams, source: 'fitted' }, solver: settings.solver,
    }), settings);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the solve stops at the first check after the cancel; uncancelled it runs many more iterations', () => {
    let cancelled = false, checksAfterCancel = 0;
    const messages: string[] = [];
    const work: Work = {
      progress: (_f, m) => { messages.push(m); cancelled = true; },
      checkCancelled: () => { if (cancelled) { checksAfterCancel++; throw new CancelledError(); } },
    };
    hvps = 0;
    assert.throws(() => analyzer.explain(7, {}, work), CancelledError);
    const cancelledAt = hvps;
    assert.deepEqual(messages, ['CG iteration 10'], 'cancelled from the first progress report, at CG iteration 10');
    assert.equal(checksAfterCancel, 1, 'the first check after the cancel threw');
    // Iterations 1…10 ran (one HVP each), then the check at the top of iteration 11 threw.
    assert.ok(cancelledAt <= 11, `${cancelledAt} Hessian-vector products before stopping`);

    hvps = 0;
    const full = analyzer.explain(7);
    assert.equal(full.solve?.solver, 'cg');
    assert.ok(full.solve!.iterations > 2 * cancelledAt, `a complete solve takes ${full.solve!.iterations} iterations, the cancelled one stopped after ${cancelledAt}`);
    assert.ok(full.solve!.relResidual <= 1e-10);
  });
});
