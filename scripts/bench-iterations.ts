/**
 * CG iterations per phase on the 2000×784 digits (the wide sparse job where the influence solves run on
 * recycled Ritz pairs): the fit, three influence solves, and for two classes the sweep's exact step,
 * sampled-Hessian step and retraining, with the CPU time of each. One JSON line.
 *
 *   node --import tsx scripts/bench-iterations.ts            this checkout
 *   ROOT=/path/to/other/checkout node --import tsx …        another build of the engine (A/B: the calls
 *                                                           below exist in earlier versions too)
 */
import path from 'node:path';

const root = path.resolve(process.env.ROOT ?? path.join(__dirname, '..'));
const digits = path.resolve(__dirname, '../examples/digits');
/* eslint-disable @typescript-eslint/no-require-imports */
const { InfluenceSession } = require(path.join(root, 'src/engine/session'));
const { testGradient } = require(path.join(root, 'src/engine/influence/context'));
const { groupGradient } = require(path.join(root, 'src/engine/influence/group'));
const { complementRows } = require(path.join(root, 'src/engine/influence/retrain'));
const { fitNewton } = require(path.join(root, 'src/engine/fit'));
const { solveSubset } = require(path.join(root, 'src/engine/sweep/index'));
const { getSampler } = require(path.join(root, 'src/engine/samplers/index'));

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function main() {
  let c0 = cpu();
  const s = await InfluenceSession.open({ trainFile: path.join(digits, 'train.csv'), testFile: path.join(digits, 'test.csv') });
  const out: Record<string, unknown> = { root, fit: s.fit.method, fitGradNorm: s.fit.gradNorm, openCpuMs: Math.round(cpu() - c0) };
  const { obj, theta } = s.ctx;
  const n: number = obj.n;
  c0 = cpu();
  out.solveIterations = [3, 10, 200].map((t) => s.ctx.inv.solve(testGradient(s.ctx, s.test, t)).report.iterations);
  out.solveCpuMs = Math.round(cpu() - c0);
  for (const c of [0, 7]) {
    const U = Int32Array.from([...Array(n).keys()].filter((i) => obj.data.y[i] === c));
    const rest = complementRows(n, U);
    const b = Float64Array.from(groupGradient(s.ctx, U), (x: number) => x / (n - U.length));
    c0 = cpu();
    const exact = solveSubset(obj, theta, rest, b, 'cg', 1e-11);
    const exactMs = cpu() - c0;
    const S = getSampler('random')({ obj, theta }, 512, 0, { exclude: U });
    c0 = cpu();
    const sampled = solveSubset(obj, theta, S, b, 'cg');
    const sampledMs = cpu() - c0;
    const sub = obj.withRows(rest);
    c0 = cpu();
    // As the sweep retrains (earlier versions have no recycled preconditioner: undefined).
    const fit = fitNewton(sub, { theta0: theta, gradTol: 1e-9, preconditioner: sub.recycledPreconditioner?.(theta) ?? undefined });
    out[`class ${c}`] = {
      exactStep: exact.iterations, exactCpuMs: Math.round(exactMs), sampledStep: sampled.iterations, sampledCpuMs: Math.round(sampledMs),
      retrain: fit.report.method, retrainCpuMs: Math.round(cpu() - c0),
    };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
