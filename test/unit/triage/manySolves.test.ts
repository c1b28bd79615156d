/**
 * Self-influence needs one H⁻¹ solve per training row: on a model too wide for the exact solver per query
 * (p > EXACT_LIMIT, so the session solves by CG), the triage path factors the Hessian once instead — same
 * values as CG to its tolerance, and the user's explicit solver choice is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InfluenceSession } from '../../../src/engine/session';
import { selfInfluenceBlocked } from '../../../src/engine/triage/selfInfluence';
import { EXACT_LIMIT, MANY_SOLVES_EXACT_LIMIT, inverseForManySolves } from '../../../src/engine/solvers/inverse';
import { blobs } from '../../helpers/synthetic';

test('wide model: self-influence by one exact factor equals one CG solve per row', () => {
  // 7 classes × (360 features + bias) = 2,527 parameters: above EXACT_LIMIT, within MANY_SOLVES_EXACT_LIMIT.
  const d = 360, K = 7;
  const s = InfluenceSession.fromData({ l2: 1e-2 }, blobs(120, d, K, 5), blobs(20, d, K, 6));
  const p = s.ctx.obj.nParams;
  assert.ok(p > EXACT_LIMIT && p <= MANY_SOLVES_EXACT_LIMIT, `p = ${p}`);
  assert.equal(s.ctx.inv.name, 'cg');
  assert.equal(inverseForManySolves(s.ctx.obj, s.ctx.theta, s.ctx.inv, s.ctx.obj.n).name, 'exact');
  assert.equal(inverseForManySolves(s.ctx.obj, s.ctx.theta, s.ctx.inv, s.ctx.obj.n, 'cg'), s.ctx.inv, 'an explicit choice is kept');
  assert.equal(inverseForManySolves(s.ctx.obj, s.ctx.theta, s.ctx.inv, 3), s.ctx.inv, 'a few solves stay with CG');

  const exact = selfInfluenceBlocked(s.ctx, {}, 64, 'auto');
  const cg = selfInfluenceBlocked(s.ctx, {}, 64, 'cg');
  let worst = 0;
  for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(exact[i] - cg[i]) / Math.abs(cg[i]));
  assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
  assert.ok(exact.every((v) => v > 0), 'self-influence is positive (H is positive definite)');
});
