/**
 * Neural influence benchmark (MLP example, examples/mlp/model.json on examples/digits):
 *  A. time per product and per explain query on every available backend (same run, so ratios are fair);
 *  B. correlation of full IF / PIF / FIF / GIF group removal estimates with warm-started retraining,
 *     averaged over seeds (each seed's retrain without U is compared with the same seed's retrain on all rows,
 *     which cancels the optimiser's own drift).
 *
 *   npx tsx scripts/bench-neural.ts [--quick]
 */
import * as path from 'node:path';
import { loadDataset } from '../src/engine/data/load';
import type { Dataset } from '../src/engine/data/dataset';
import { Objective } from '../src/engine/objective';
import { selectBackend } from '../src/engine/neural/backend';
import { openNeuralModel } from '../src/engine/neural/load';
import { allParams, gifTopNeurons, lastLayerSubset } from '../src/engine/neural/subset';
import type { TfModel } from '../src/engine/neural/tfModel';
import { trainAdam } from '../src/engine/neural/train';
import { DEFAULT_SETTINGS } from '../src/engine/analyzer/settings';
import { scoresFromDots, subsetDirection, type SubsetMethod } from '../src/engine/solvers/gif';

const quick = process.argv.includes('--quick');
const L2 = DEFAULT_SETTINGS.l2;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function sample(n: number, k: number, seed: number, from?: number[]): Int32Array {
  const pool = from ? from.slice() : Array.from({ length: n }, (_, i) => i);
  const r = rng(seed);
  for (let i = 0; i < k; i++) { const j = i + Math.floor(r() * (pool.length - i)); [pool[i], pool[j]] = [pool[j], pool[i]]; }
  return Int32Array.from(pool.slice(0, k)).sort();
}
function median(xs: number[]): number { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function time(f: () => void, reps: number): number { f(); const ts: number[] = []; for (let k = 0; k < reps; k++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } return median(ts); }
function pearson(a: number[], b: number[]): number {
  const n = a.length, ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }
  return sab / Math.sqrt(saa * sbb);
}
function ranks(a: number[]): number[] { const o = a.map((v, i) => [v, i]).sort((x, y) => x[0] - y[0]); const r = new Array(a.length); o.forEach(([, i], k) => { r[i] = k; }); return r; }
const spearman = (a: number[], b: number[]) => pearson(ranks(a), ranks(b));

async function main() {
  const train = loadDataset('examples/digits/train.csv');
  const test = loadDataset('examples/digits/test.csv', { reference: train });
  const file = path.join('examples', 'mlp', 'model.json');
  const subH = sample(train.n, 500, 11);                 // Hessian subsample for the solvers
  const out: string[] = [];

  // ---------------------------------------------------------------- A. backends
  out.push('### A. Time per operation, MLP 784-64-10 (50,890 parameters), median of 3 after a warm-up', '',
    '| operation | ' + (quick ? 'wasm |' : 'cpu | wasm | cpu / wasm |'), quick ? '|---|---|' : '|---|---|---|---|');
  const rowsA = new Map<string, number[]>();
  for (const be of quick ? ['wasm'] as const : ['cpu', 'wasm'] as const) {
    const sel = await selectBackend(be);
    if (sel.backend !== be) { console.log(`skip ${be}: got ${sel.backend}`); continue; }
    const { model, theta } = await openNeuralModel(file, train, { batchSize: 500 });
    const p = model.nParams, v = Float64Array.from({ length: p }, (_, i) => Math.sin(i)), o = new Float64Array(p);
    const r1000 = Int32Array.from({ length: 1000 }, (_, i) => i);
    const reps = be === 'cpu' ? 1 : 3;
    const put = (k: string, ms: number) => { if (!rowsA.has(k)) rowsA.set(k, []); rowsA.get(k)!.push(ms); };
    put('gradient, 1000 rows', time(() => model.gradSum(theta, train, r1000, o), reps));
    put('HVP exact (double backward), 1000 rows', time(() => model.hvpSum(theta, train, r1000, v, o), reps));
    model.curvature = 'gauss-newton';
    put('Gauss–Newton product, 1000 rows', time(() => model.hvpSum(theta, train, r1000, v, o), reps));
    model.curvature = 'hessian';
    put('gradDots (sᵀ∇ℓ_i for all 2000 rows)', time(() => model.gradDots(theta, train, null, v), reps));
    const obj = new Objective(model, train, { l2: L2, regularizeBias: true }, subH);
    const H = obj.hessianOperator(theta);
    const gT = new Float64Array(p);
    model.rowGrad(theta, test, 0, gT);
    const P = gifTopNeurons(model, theta, test, Int32Array.of(0), 0.3, 1).indices;
    put('explain query: GIF (ratio 0.3, 20 Neumann its on 500-row H) + scores of 2000 rows', time(() => {
      const { s } = subsetDirection('gif', H, gT, P, { maxIter: 20, tol: 0, scale: 30 });
      model.gradDots(theta, train, null, s);
    }, 1));
    model.dispose();
  }
  for (const [k, v] of rowsA) out.push(`| ${k} | ${v.map((x) => `${x >= 1000 ? (x / 1000).toFixed(2) + ' s' : x.toFixed(0) + ' ms'}`).join(' | ')} |${v.length === 2 ? ` ${(v[0] / v[1]).toFixed(1)}× |` : ''}`);
  console.log(out.join('\n'));

  // ---------------------------------------------------------------- B. correlation with retraining
  await selectBackend('wasm');
  const { model, theta } = await openNeuralModel(file, train, { batchSize: 500 });
  const n = train.n, p = model.nParams;
  const obj = new Objective(model, train, { l2: L2, regularizeBias: true });
  const Hobj = new Objective(model, train, { l2: L2, regularizeBias: true }, subH);
  const H = Hobj.hessianOperator(theta);
  const regShare = obj.regShare(theta);
  const seeds = quick ? [1, 2] : [1, 2, 3];
  const groups: { name: string; rows: Int32Array }[] = [];
  const nG = quick ? 4 : 8;
  for (let k = 0; k < nG; k++) groups.push({ name: `random ${k}`, rows: sample(n, 100, 100 + k) });
  for (let c = 0; c < nG; c++) {
    const of = Array.from({ length: n }, (_, i) => i).filter((i) => train.y[i] === c);
    groups.push({ name: `class ${train.classes[c]}`, rows: sample(n, 100, 200 + c, of) });
  }
  // test points: the two highest-loss test rows and two random ones
  const tl = model.losses(theta, test, null);
  const byLoss = Array.from(tl.keys()).sort((a, b) => tl[b] - tl[a]);
  const tests = quick ? [byLoss[0], 17] : [byLoss[0], byLoss[1], 17, 123];
  const epochs = 4;
  const t0 = performance.now();
  const retrain = (rows: Int32Array | null, seed: number) => trainAdam(model, train, theta, { l2: L2, epochs, batchSize: 100, lr: 5e-4, seed, rows });
  const truth = groups.map(() => tests.map(() => 0));
  for (const seed of seeds) {
    const thFull = retrain(null, seed);
    const base = tests.map((t) => model.losses(thFull, test, Int32Array.of(t))[0]);
    groups.forEach((g, gi) => {
      const keep = new Uint8Array(n).fill(1); g.rows.forEach((i) => { keep[i] = 0; });
      const rest = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => keep[i]));
      const th = retrain(rest, seed);
      tests.forEach((t, ti) => { truth[gi][ti] += (model.losses(th, test, Int32Array.of(t))[0] - base[ti]) / seeds.length; });
    });
  }
  const retrainSecs = (performance.now() - t0) / 1000;
  const methods: { label: string; method: SubsetMethod; subset: (t: number) => Int32Array }[] = [
    { label: 'full IF (all parameters, H² Neumann)', method: 'pif', subset: () => allParams(model.arch).indices },
    { label: 'PIF, GIF top-neurons 30%', method: 'pif', subset: (t) => gifTopNeurons(model, theta, test, Int32Array.of(t), 0.3, 1).indices },
    { label: 'FIF, GIF top-neurons 30%', method: 'fif', subset: (t) => gifTopNeurons(model, theta, test, Int32Array.of(t), 0.3, 1).indices },
    { label: 'GIF, top-neurons 30%', method: 'gif', subset: (t) => gifTopNeurons(model, theta, test, Int32Array.of(t), 0.3, 1).indices },
    { label: 'FIF, last layer', method: 'fif', subset: () => lastLayerSubset(model.arch).indices },
    { label: 'GIF, last layer', method: 'gif', subset: () => lastLayerSubset(model.arch).indices },
  ];
  const maxIter = quick ? 20 : 60;
  const table: string[] = [];
  for (const m of methods) {
    const rs: number[] = [], ss: number[] = [], secs: number[] = [], res: number[] = [];
    tests.forEach((t, ti) => {
      const g = new Float64Array(p);
      model.rowGrad(theta, test, t, g);
      const q0 = performance.now();
      const { s, report } = subsetDirection(m.method, H, g, m.subset(t), { maxIter, tol: 1e-8 });
      const dots = model.gradDots(theta, train, null, s);
      const sc = scoresFromDots(dots, s, regShare, n);
      secs.push((performance.now() - q0) / 1000);
      res.push(report.relResidual);
      const est = groups.map((gr) => gr.rows.reduce((a, i) => a + sc[i], 0));
      const tru = groups.map((_, gi) => truth[gi][ti]);
      rs.push(pearson(est, tru)); ss.push(spearman(est, tru));
    });
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    table.push(`| ${m.label} | ${mean(rs).toFixed(2)} | ${mean(ss).toFixed(2)} | ${rs.map((r) => r.toFixed(2)).join(', ')} | ${mean(secs).toFixed(1)} s | ${mean(res).toExponential(1)} |`);
    console.log(table[table.length - 1]);
  }
  void obj;
  const outB = [
    '', `### B. Group removal estimates vs warm-started retraining (wasm)`, '',
    `${groups.length} groups of 100 of ${n} training rows (${nG} random, ${nG} single-class), ${tests.length} test rows ` +
      `(${quick ? 'the highest-loss one and one fixed' : 'the two highest-loss and two fixed'}), ground truth = mean over seeds ${seeds.join(', ')} of ` +
      `[f(θ₋U,seed) − f(θ_all,seed)], each a ${epochs}-epoch Adam retrain warm-started from θ* (λ = ${L2}); ` +
      `${(seeds.length * (groups.length + 1))} retrains took ${retrainSecs.toFixed(0)} s. Estimates: Σ_{i∈U} (1/n) sᵀ(g_i + λθ*) with the ` +
      `Hessian on a fixed 500-row subsample + λI, ${maxIter} Neumann iterations on the normal equations.`, '',
    '| method | Pearson (mean) | Spearman (mean) | Pearson per test row | solve + score time / query | rel. residual |', '|---|---|---|---|---|---|',
    ...table,
  ];
  console.log(outB.join('\n'));
  model.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });
