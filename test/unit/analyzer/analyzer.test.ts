/** Settings in one place, capabilities declared by the linear source, the source registry's errors. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blobs } from '../../helpers/synthetic';
import { Analyzer, DEFAULT_SETTINGS, SOURCE_NAMES, openSource, resolveSettings } from '../../../src/engine/analyzer/index';
import { fitLinear } from '../../../src/engine/analyzer/sources/linear';
import { InputError } from '../../../src/engine/data/dataset';

describe('analyzer settings', () => {
  test('defaults fill what is missing (undefined counts as missing); the result is frozen', () => {
    const s = resolveSettings({ l2: undefined, solver: 'cg' });
    assert.equal(s.l2, DEFAULT_SETTINGS.l2);
    assert.equal(s.solver, 'cg');
    assert.ok(Object.isFrozen(s) && Object.isFrozen(DEFAULT_SETTINGS));
    assert.throws(() => { (s as { l2: number }).l2 = 1; }, TypeError);
  });

  test('bad values are input errors naming the setting and the choices', () => {
    assert.throws(() => resolveSettings({ l2: -1 }), (e: unknown) => e instanceof InputError && /l2 must be a non-negative number/.test(e.message));
    assert.throws(() => resolveSettings({ solver: 'newton' as 'cg' }), /solver must be one of auto\|exact\|cg\|lissa, got 'newton'/);
    assert.throws(() => resolveSettings({ top: 1.5 }), /top must be a non-negative integer/);
  });
});

describe('the linear source', () => {
  const train = blobs(120, 4, 3, 11), testSet = blobs(20, 4, 3, 12);

  test('exact solver: every capability; results echo the settings they were computed with', () => {
    const settings = resolveSettings({ l2: 0.01 });
    const a = new Analyzer(fitLinear(train, testSet, settings), settings);
    assert.deepEqual(a.describeCapabilities().filter((c) => !c.available), []);
    const e = a.explain(3);
    assert.equal(e.settings, settings);
    assert.equal(e.settings?.l2, 0.01);
    assert.equal(e.solve?.solver, 'exact');
    assert.equal(a.select(3, 4).settings, settings);
    const specs = a.candidateGroups(3);
    assert.ok(specs.some((g) => /^self-influence outliers/.test(g.name)));
  });

  test('cg solver: no exact Hessian (with the reason); candidates fall back to the training loss', () => {
    const settings = resolveSettings({ l2: 0.01, solver: 'cg' });
    const a = new Analyzer(fitLinear(train, testSet, settings), settings);
    assert.equal(a.can('exactHessian'), false);
    assert.match(a.why('exactHessian') ?? '', /the solver is cg \(15 parameters\); ask for --solver exact/);
    assert.equal(a.can('secondOrderGroups'), true);
    const specs = a.candidateGroups(3);
    assert.ok(specs.some((g) => /^highest training loss/.test(g.name)));
    assert.ok(!specs.some((g) => /^self-influence outliers/.test(g.name)));
  });

  test('an unknown model type is an input error listing the registered sources', async () => {
    await assert.rejects(openSource({ trainFile: 'a.csv', testFile: 'b.csv', model: { type: 'forest' } }), (e: unknown) =>
      e instanceof InputError && e.message.includes(`unknown model type 'forest' (expected one of ${SOURCE_NAMES.join(', ')})`));
  });
});
