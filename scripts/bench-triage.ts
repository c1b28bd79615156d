/**
 * Trust and triage benchmarks (issue "Trust and triage"), printed as markdown by `npm run bench:paper`
 * (sections 4–5) or alone: `node --import tsx scripts/bench-triage.ts [--quick] [--part=noise|verify] [--data=digits8|digits]`.
 *   4. Label noise: flip 5 % of the digits8 training labels at random (seeded), and report the recall
 *      of the flipped rows in the top 5 % / 10 % of the triage queue and of each signal alone.
 *   5. Verify: LDS (M subsets keeping α = 50 %), leave-one-out correlations and brittleness, on digits8
 *      and on the 784-pixel digits (the dattri MNIST logistic-regression anchor is LDS ≈ 0.80).
 */
import { join } from 'node:path';
import { ensureDigitsExample } from '../src/tools/digitsExample';
import { loadDataset } from '../src/engine/data/load';
import type { Dataset } from '../src/engine/data/dataset';
import { InfluenceSession } from '../src/engine/session';
import { triage } from '../src/engine/triage/queue';
import { linearDatamodelingScore, ldsSubsets } from '../src/engine/verify/lds';
import { leaveOneOut } from '../src/engine/verify/loo';
import { brittleness } from '../src/engine/verify/brittleness';
import { testGradient } from '../src/engine/influence/context';
import { seededRandom, sampleWithoutReplacement, gaussian } from '../src/engine/random';
import { spearman } from '../src/engine/stats';

type Out = (s?: string) => void;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: number[]) => { const m = mean(xs); return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))); };
const f2 = (x: number) => x.toFixed(2);
const byDesc = (v: ArrayLike<number>) => Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[b] - v[a] || a - b);

/** Flip `fraction` of the labels to a uniformly chosen other class (seeded). */
export function flipLabels(data: Dataset, fraction: number, seed: number): { data: Dataset; flipped: Set<number> } {
  const r = seededRandom(seed);
  const K = data.classes.length;
  const flipped = new Set(sampleWithoutReplacement(data.n, Math.round(fraction * data.n), r));
  const y = Int32Array.from(data.y);
  for (const i of flipped) y[i] = (y[i] + 1 + Math.floor(r() * (K - 1))) % K;
  return { data: { ...data, y }, flipped };
}

function recall(order: number[], flipped: Set<number>, frac: number): number {
  return order.slice(0, Math.round(frac * order.length)).filter((i) => flipped.has(i)).length / flipped.size;
}

/** Two overlapping Gaussian classes in d dimensions (dense, binary): a second, non-bundled data set. */
function gaussianPair(n: number, d: number, seed: number, file: string): Dataset {
  const r = seededRandom(seed);
  const X = new Float64Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < d; j++) X[i * d + j] = gaussian(r) + (j < 4 ? (y[i] ? 0.8 : -0.8) : 0);
  }
  return { file, n, d, X, y, classes: ['0', '1'], featureNames: Array.from({ length: d }, (_, j) => `x${j}`), lines: Int32Array.from({ length: n }, (_, i) => i + 2) };
}

interface NoiseCase { name: string; train: Dataset; test: Dataset }

export async function triageBenchmarks(out: Out, log: (s: string) => void, quick: boolean): Promise<void> {
  const ex = ensureDigitsExample(join(__dirname, '..', 'examples'));
  const d8 = loadDataset(ex.digits8.train);
  const cases: NoiseCase[] = [
    { name: 'digits8', train: d8, test: loadDataset(ex.digits8.test, { reference: d8 }) },
    { name: 'gaussian pair', train: gaussianPair(2000, 20, 5, 'gauss-train.csv'), test: gaussianPair(500, 20, 6, 'gauss-test.csv') },
  ];
  const seeds = quick ? [1, 2] : [1, 2, 3, 4, 5];
  out('## 4. Label-noise triage (flip 5 % of the training labels)');
  out();
  out(`5 % of the training labels flipped to a random other class, ${seeds.length} seeds, λ = 1e-3. **digits8**: examples/digits8 (1000 rows, 64 pooled MNIST pixels, 10 classes, softmax regression). **gaussian pair**: synthetic, 2000 rows, 20 dense features, two overlapping classes (means ±0.8 on 4 features), logistic regression. Recall = share of the flipped rows found in the first 5 % / 10 % of rows by each ranking (chance: 0.05 / 0.10). Queue = \`influence-lens triage\` (median rank of self-influence, confident learning 1 − p̂(label) from 5-fold warm-started refits, and harm to the whole clean test set). Mean ± sd over seeds.`);
  out();
  const methods = ['triage queue', 'self-influence alone', 'training loss alone', 'confident learning alone', 'harm to the test set alone'] as const;
  const cells: Record<string, string[]> = {};
  const notes: string[] = [];
  for (const c of cases) {
    const r5: Record<string, number[]> = {}, r10: Record<string, number[]> = {};
    const clFlagged: number[] = [], clPrecision: number[] = [], suggestedRight: number[] = [], ms: number[] = [];
    for (const seed of seeds) {
      const { data: noisy, flipped } = flipLabels(c.train, 0.05, seed);
      const t0 = performance.now();
      const s = InfluenceSession.fromData({ l2: 1e-3 }, noisy, c.test);
      const res = triage(s, { top: c.train.n });
      ms.push(performance.now() - t0);
      const sig = res.signals;
      const orders: Record<string, number[]> = {
        'triage queue': res.order,
        'self-influence alone': byDesc(sig.selfInfluence),
        'training loss alone': byDesc(sig.trainingLoss),
        'confident learning alone': byDesc(sig.labelQuality.map((p) => 1 - p)),
        'harm to the test set alone': byDesc(sig.testSetEffect.map((x) => -x)),
      };
      for (const m of methods) { (r5[m] ??= []).push(recall(orders[m], flipped, 0.05)); (r10[m] ??= []).push(recall(orders[m], flipped, 0.1)); }
      const cl = res.rows.filter((r) => r.flaggedBy.includes('confident-learning'));
      clFlagged.push(cl.length);
      clPrecision.push(cl.filter((r) => flipped.has(r.index)).length / Math.max(1, cl.length));
      // Of the flipped rows with a suggestion, how often is it the original label?
      const sug = res.rows.filter((r) => flipped.has(r.index) && r.suggested !== null);
      suggestedRight.push(sug.filter((r) => r.suggested === c.train.classes[c.train.y[r.index]]).length / Math.max(1, sug.length));
      log(`label noise ${c.name} seed ${seed}: queue ${f2(r5['triage queue'].at(-1)!)}/${f2(r10['triage queue'].at(-1)!)}`);
    }
    for (const m of methods) (cells[m] ??= []).push(`${f2(mean(r5[m]))} ± ${f2(sd(r5[m]))}`, `${f2(mean(r10[m]))} ± ${f2(sd(r10[m]))}`);
    notes.push(`${c.name}: confident learning's own rule flags ${mean(clFlagged).toFixed(0)} rows per run (precision ${f2(mean(clPrecision))}); a flipped row's suggested label is its original label ${(100 * mean(suggestedRight)).toFixed(0)} % of the time; whole triage (fit, self-influence, 5 refits, test-set iHVP) ${(mean(ms) / 1000).toFixed(1)} s per run.`);
  }
  out(`| ranking | ${cases.map((c) => `${c.name} top 5 % | ${c.name} top 10 %`).join(' | ')} |`);
  out(`|---|${cases.map(() => '---|---|').join('')}`);
  for (const m of methods) out(`| ${m} | ${cells[m].join(' | ')} |`);
  out();
  for (const n of notes) out(`- ${n}`);
  out();
}

/** Section 5, one data set at a time so each table row prints as soon as it is measured. */
export async function verifyBenchmarks(out: Out, log: (s: string) => void, quick: boolean, only?: 'digits8' | 'digits'): Promise<void> {
  const ex = ensureDigitsExample(join(__dirname, '..', 'examples'));
  out('## 5. Verify: LDS, leave-one-out, brittleness');
  out();
  out('LDS (Park et al. 2023): per test row, Spearman over M seeded subsets keeping α = 50 % of the training rows between f(θ*) + Σ_{removed} R̂_i (first order) and the loss retrained on the subset (warm-started Newton to ‖∇L‖ ≤ 1e-10); mean ± sd over randomly drawn test rows. "Gradient similarity" replaces H⁻¹ by the identity (R̂_i ∝ g_tᵀg̃_i, a TracIn-like baseline) on the same retrains.');
  out();
  const cases = [
    { key: 'digits8', name: 'digits8 (1000 × 64, exact solver)', paths: ex.digits8, rows: quick ? 6 : 20, M: quick ? 20 : 50, brows: quick ? 2 : 5, loo: 40 },
    { key: 'digits', name: 'digits (2000 × 784 MNIST pixels, CG)', paths: ex.digits, rows: quick ? 3 : 10, M: quick ? 10 : 50, brows: quick ? 0 : 2, loo: 20 },
  ].filter((c) => !only || c.key === only);
  const later: string[] = [];
  out('| data | test rows | M | LDS exact influence | LDS gradient similarity | time s |');
  out('|---|---|---|---|---|---|');
  for (const c of cases) {
    const t0 = performance.now();
    const s = await InfluenceSession.open({ trainFile: c.paths.train, testFile: c.paths.test, l2: 1e-3 });
    const testRows = sampleWithoutReplacement(s.test.n, c.rows, seededRandom(77)).sort((a, b) => a - b);
    const lds = linearDatamodelingScore(s, testRows, { subsets: c.M, seed: 1, progress: (x, m) => { if (Math.round(x * c.M) % 10 === 0) log(`${c.name}: ${m}`); } });
    // Gradient-similarity baseline on the same subsets (its scale does not matter for Spearman).
    const removed = ldsSubsets(s.train.n, c.M, 0.5, 1);
    const gs = lds.rows.map((r, q) => {
      const g = testGradient(s.ctx, s.test, testRows[q]);
      const dots = s.model.gradDots(s.theta, s.train, null, g);
      let shift = 0;
      for (let j = 0; j < g.length; j++) shift += g[j] * s.ctx.regShare[j];
      return spearman(removed.map((rem) => rem.reduce((a, i) => a + dots[i] + shift, 0)), r.actual);
    });
    const exact = lds.rows.map((r) => r.lds);
    out(`| ${c.name} | ${testRows.length} | ${c.M} | ${f2(mean(exact))} ± ${f2(sd(exact))} (min ${f2(Math.min(...exact))}) | ${f2(mean(gs))} ± ${f2(sd(gs))} | ${((performance.now() - t0) / 1000).toFixed(0)} |`);
    log(`${c.name}: LDS ${f2(mean(exact))}`);
    for (const t of testRows.slice(0, c.brows)) {
      const t1 = performance.now();
      const l = leaveOneOut(s, t, { sample: c.loo, seed: 3 });
      const b = brittleness(s, t);
      later.push(`| ${c.name} | ${t} | ${b.before.predicted === s.test.classes[s.test.y[t]] ? 'right' : 'wrong'}, p = ${b.before.probability.toFixed(2)} | ${f2(l.pearson)} / ${f2(l.spearman)} (${c.loo} random) | ${b.kInfluence ?? '—'} | ${b.kRetrained ?? `not found ≤ ${b.maxRemove}`} | ${b.confirmed === null ? '—' : b.confirmed ? 'yes' : 'no'} | ${b.retrains} | ${((performance.now() - t1) / 1000).toFixed(0)} |`);
      log(`${c.name}: row ${t} LOO ${f2(l.pearson)} brittleness ${b.kInfluence}/${b.kRetrained}`);
    }
  }
  out();
  if (later.length) {
    out('Leave-one-out (first order vs retraining without the row) and brittleness (smallest k of the rows holding the prediction up whose removal flips it: by the Newton step, then by retraining starting from that answer; "confirmed" = retraining without the Newton-step answer flips too) for the first test rows:');
    out();
    out('| data | test row | prediction | LOO Pearson / Spearman | k by Newton step | k retrained | confirmed | retrains | time s |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const l of later) out(l);
    out();
  }
}

if (require.main === module) {
  const T0 = performance.now();
  const out = (s = '') => process.stdout.write(s + '\n');
  const log = (s: string) => process.stderr.write(`[${((performance.now() - T0) / 1000).toFixed(1)}s] ${s}\n`);
  const quick = process.argv.includes('--quick');
  const part = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? 'all';
  const only = process.argv.find((a) => a.startsWith('--data='))?.slice(7) as 'digits8' | 'digits' | undefined;
  (async () => {
    if (part !== 'verify') await triageBenchmarks(out, log, quick);
    if (part !== 'noise') await verifyBenchmarks(out, log, quick, only);
  })().catch((e) => { process.stderr.write(String((e as Error).stack ?? e) + '\n'); process.exitCode = 1; });
}
