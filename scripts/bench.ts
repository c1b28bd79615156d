/**
 * npm run bench — speed, memory and fidelity of the linear engine, printed as markdown tables with
 * ratios against baselines measured in the same run:
 *  1. whole `explain` process on digits8 (1000×64, 10 classes) and digits (2000×784) vs the same job in numpy;
 *  2. fit time, all-row first-order scores per solver and their agreement with the exact solver;
 *  3. first order vs second order vs Newton vs retraining for random and coherent groups at p = 0.05…0.3;
 *  4. peak memory (max RSS) of each process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureDigitsExample } from '../src/tools/digitsExample';
import { InfluenceSession } from '../src/engine/session';
import { firstOrderScores } from '../src/engine/influence/firstOrder';
import { inverseHessian } from '../src/engine/solvers/inverse';
import type { InfluenceContext } from '../src/engine/influence/context';
import { testGradient } from '../src/engine/influence/context';
import { coherentGroups, randomGroups } from '../src/engine/groups/generators';
import type { SolverName } from '../src/engine/solvers/types';
import { pearson, spearman, relativeError as relErr } from '../src/engine/stats';

const root = path.resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const out = (s = '') => process.stdout.write(s + '\n');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const f3 = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(2));

/** Runs a command `reps` times; returns the median wall time and the peak RSS the process reported (BENCH_REPORT_RSS). */
function timeProcess(cmd: string, args: string[], reps: number): { ms: number; rssMB: number; stdout: string } {
  const times: number[] = [];
  let rssMB = 0, stdout = '';
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, BENCH_REPORT_RSS: '1' } });
    times.push(performance.now() - t0);
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
    stdout = res.stdout;
    const m = /peak-rss-kb:(\d+)/.exec(res.stderr);
    if (m) rssMB = Math.max(rssMB, Number(m[1]) / 1024);
  }
  return { ms: median(times), rssMB, stdout };
}

async function main() {
  const ex = ensureDigitsExample(path.join(root, 'examples'));
  const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  const cli = path.join(root, 'dist/cli.js');
  if (!existsSync(cli)) throw new Error('run `npm run build` first (npm run bench does)');
  out(`# Influence Lens benchmark (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${require('os').cpus().length} CPUs)`);

  // 1. Whole process, as a user waits for it.
  out('\n## 1. `explain` as a process (load + fit + all-row scores), median of 3 runs\n');
  out('| data | parameters | tool | wall ms | ratio vs numpy | peak RSS MB |');
  out('|---|---|---|---|---|---|');
  for (const [name, paths, params] of [['digits8 1000×64', ex.digits8, 650], ['digits 2000×784', ex.digits, 7850]] as const) {
    const ours = timeProcess(process.execPath, [cli, 'explain', '--train', paths.train, '--test', paths.test, '--test-index', '3', '--json'], 3);
    let base: ReturnType<typeof timeProcess> | null = null;
    // The dense numpy baseline needs a 7850² Hessian (490 MB) and minutes per run at 784 pixels: small case only.
    if (hasNumpy && params < 2000) base = timeProcess('python3', [path.join(root, 'scripts/baselines/explain_numpy.py'), paths.train, paths.test, '3'], 3);
    if (base) {
      const a = JSON.parse(ours.stdout).scores as number[], b = JSON.parse(base.stdout).scores as number[];
      const agree = Math.max(...a.map((x, i) => Math.abs(x - b[i]))) / Math.max(...b.map(Math.abs));
      out(`| ${name} | ${params} | numpy (dense Newton + Cholesky) | ${base.ms.toFixed(0)} | 1.00 | ${base.rssMB.toFixed(0)} |`);
      out(`| ${name} | ${params} | influence-lens (auto solver) | ${ours.ms.toFixed(0)} | ${(ours.ms / base.ms).toFixed(2)} | ${ours.rssMB.toFixed(0)} |`);
      out(`|  |  | max score difference / max score | ${agree.toExponential(1)} |  |  |`);
    } else out(`| ${name} | ${params} | influence-lens (auto solver) | ${ours.ms.toFixed(0)} | ${hasNumpy ? '(dense numpy not run: 490 MB Hessian)' : '(numpy absent)'} | ${ours.rssMB.toFixed(0)} |`);
  }

  // 2. In-process phases and solver agreement.
  out('\n## 2. Fit and all-row first-order scores per solver (in process)\n');
  out('| data | solver | prepare ms | solve+scores ms | iterations | residual | max rel. diff vs exact | Spearman vs exact |');
  out('|---|---|---|---|---|---|---|---|');
  for (const [name, paths] of [['digits8', ex.digits8], ['digits', ex.digits]] as const) {
    const s = await InfluenceSession.open({ trainFile: paths.train, testFile: paths.test, solver: 'cg' });
    out(`| ${name} | fit (Newton-CG) | ${s.timings.fit.toFixed(0)} | | ${s.fit.iterations} Newton | ‖∇L‖ ${s.fit.gradNorm.toExponential(1)} | | |`);
    const g = testGradient(s.ctx, s.test, 3);
    const solvers: SolverName[] = s.model.nParams <= 2500 ? ['exact', 'cg', 'lissa'] : ['cg', 'lissa'];
    let ref: number[] | null = null;
    for (const solver of solvers) {
      let t0 = performance.now();
      const inv = solver === 'cg' ? s.ctx.inv : inverseHessian(s.ctx.obj, s.theta, solver, { maxIter: quick || s.model.nParams > 2500 ? 3000 : 20000 });
      const prep = solver === 'cg' ? s.timings.factor : performance.now() - t0;
      t0 = performance.now();
      const { x, report } = inv.solve(g);
      const ctx: InfluenceContext = { ...s.ctx, inv };
      const scores = Array.from(firstOrderScores(ctx, x));
      const ms = performance.now() - t0;
      ref ??= scores;
      const mx = Math.max(...ref.map(Math.abs));
      const diff = Math.max(...scores.map((v, i) => Math.abs(v - ref![i]))) / mx;
      const refName = solvers[0];
      out(`| ${name} | ${solver} | ${prep.toFixed(0)} | ${ms.toFixed(0)} | ${report.iterations} | ${report.relResidual.toExponential(1)} | ${solver === refName ? '—' : diff.toExponential(1) + (refName !== 'exact' ? ` (vs ${refName})` : '')} | ${solver === refName ? '—' : spearman(scores, ref).toFixed(4)} |`);
    }
  }

  // 3. Group estimates against retraining.
  out('\n## 3. Group removal effects against retraining (digits8, 10 groups per cell, mean over 6 test rows: 3 highest-loss + 3 random)\n');
  const s = await InfluenceSession.open({ trainFile: ex.digits8.train, testFile: ex.digits8.test });
  const losses = Array.from(s.model.losses(s.theta, s.test, null));
  const byLoss = losses.map((_, i) => i).sort((a, b) => losses[b] - losses[a]);
  const rows = [...byLoss.slice(0, 3), ...[17, 101, 233].map((i) => i % s.test.n)];
  const nGroups = quick ? 5 : 10;
  out('| groups | p | first order P / S / rel.err | second order P / S / rel.err | Newton P / S / rel.err |');
  out('|---|---|---|---|---|');
  const t0 = performance.now();
  for (const kind of ['random', 'coherent'] as const) {
    for (const p of [0.05, 0.1, 0.2, 0.3]) {
      const k = Math.round(p * s.train.n);
      const acc = { first: [0, 0, 0], second: [0, 0, 0], newton: [0, 0, 0] };
      for (const [ri, t] of rows.entries()) {
        const specs = kind === 'random' ? randomGroups(s.train.n, k, nGroups, 100 + ri) : coherentGroups(s.train, k, nGroups, 200 + ri);
        const res = s.groups(t, specs, { retrain: true });
        const truth = res.map((r) => r.retrain!);
        for (const [key, est] of [['first', res.map((r) => r.firstOrder)], ['second', res.map((r) => r.secondOrder!)], ['newton', res.map((r) => r.newton!)]] as const) {
          acc[key][0] += pearson(est, truth) / rows.length;
          acc[key][1] += spearman(est, truth) / rows.length;
          acc[key][2] += relErr(est, truth) / rows.length;
        }
      }
      const cell = (a: number[]) => `${a[0].toFixed(3)} / ${a[1].toFixed(3)} / ${a[2].toFixed(3)}`;
      out(`| ${kind} | ${p} | ${cell(acc.first)} | ${cell(acc.second)} | ${cell(acc.newton)} |`);
    }
  }
  out(`\n(${(rows.length * 8 * nGroups)} groups estimated and retrained in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  out(`\npeak RSS of the benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((e) => { console.error(e); process.exit(1); });
