/**
 * Which TensorFlow.js backends load here, and how fast each runs the engine's exact Hessian-vector product
 * (double backward) of the bundled MLP (examples/mlp, 784-64-10, 50,890 parameters) over 1000 digit rows,
 * as a ratio to wasm measured in the same invocation. Run by scripts/gpu-check.sh.
 *
 *   node --import tsx scripts/gpu-check.ts            all backends, one child process each
 *   node --import tsx scripts/gpu-check.ts --one NAME  (internal) measure one backend, print one JSON line
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BACKEND_CHAIN, type BackendName } from '../src/engine/neural/backends';

const ROOT = path.resolve(__dirname, '..');
const ROWS = 1000;
/** Each backend gets at most this long for its timed products (after one warm-up product). */
const BUDGET_MS = Number(process.env.GPU_CHECK_BUDGET_S ?? 20) * 1000;

interface Report { backend: BackendName; loaded: boolean; error?: string; hvpPerSec?: number; reps?: number; msPerHvp?: number; check?: number }

async function one(name: BackendName): Promise<Report> {
  const { selectBackend } = await import('../src/engine/neural/backend');
  const sel = await selectBackend(name);
  // selectBackend falls through to slower backends; here only the one asked for counts.
  if (sel.backend !== name) return { backend: name, loaded: false, error: sel.tried[0].error };
  const { ensureDigitsExample } = await import('../src/tools/digitsExample');
  const { loadDataset } = await import('../src/engine/data/load');
  const { openNeuralModel } = await import('../src/engine/neural/load');
  const ex = ensureDigitsExample(path.join(ROOT, 'examples'));
  const train = loadDataset(ex.digits.train);
  const { model, theta } = await openNeuralModel(path.join(ROOT, 'examples', 'mlp', 'model.json'), train, { curvature: 'hessian' });
  const p = model.nParams;
  const v = Float64Array.from({ length: p }, (_, i) => Math.sin(i + 1));
  const out = new Float64Array(p);
  const rows = Int32Array.from({ length: ROWS }, (_, i) => i);
  model.hvpSum(theta, train, rows, v, out); // warm-up: kernels compiled, weights uploaded
  let reps = 0;
  const t0 = performance.now();
  while (reps < 50 && (reps === 0 || performance.now() - t0 < BUDGET_MS)) { model.hvpSum(theta, train, rows, v, out); reps++; }
  const ms = (performance.now() - t0) / reps;
  // vᵀHv: the same number on every backend up to float32 rounding, printed so a broken backend shows.
  let check = 0;
  for (let i = 0; i < p; i++) check += v[i] * out[i];
  model.dispose();
  return { backend: name, loaded: true, reps, msPerHvp: ms, hvpPerSec: 1000 / ms, check };
}

function all(): void {
  const reports: Report[] = [];
  for (const name of BACKEND_CHAIN) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--one', name], { cwd: ROOT, encoding: 'utf8', timeout: BUDGET_MS + 60_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let rep: Report;
    try { rep = JSON.parse(line) as Report; } catch {
      rep = { backend: name, loaded: false, error: r.error ? `${r.error.message}` : `exit ${r.status}: ${(r.stderr || line).trim().split('\n').slice(-2).join(' ')}` };
    }
    reports.push(rep);
    process.stderr.write(`${name}: ${rep.loaded ? `${rep.msPerHvp!.toFixed(0)} ms per product (${rep.reps} timed)` : `not loaded: ${rep.error}`} [${((Date.now() - t0) / 1000).toFixed(0)} s]\n`);
  }
  const wasm = reports.find((r) => r.backend === 'wasm' && r.loaded);
  console.log(`\nExact HVP (double backward) of examples/mlp (784-64-10) over ${ROWS} rows, per backend; ratio = rate / wasm rate\n`);
  console.log('| backend | loads | ms per HVP | HVP/s | × wasm | vᵀHv | reason it did not load |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const ratio = r.loaded && wasm ? (r.hvpPerSec! / wasm.hvpPerSec!).toFixed(2) : '—';
    console.log(`| ${r.backend} | ${r.loaded ? 'yes' : 'no'} | ${r.loaded ? r.msPerHvp!.toFixed(0) : '—'} | ${r.loaded ? r.hvpPerSec!.toFixed(2) : '—'} | ${ratio} | ${r.loaded ? r.check!.toPrecision(6) : '—'} | ${r.error ?? ''} |`);
  }
  if (!wasm) console.log('\nwasm did not load: no ratios.');
}

const k = process.argv.indexOf('--one');
if (k > 0) {
  one(process.argv[k + 1] as BackendName).then((r) => console.log(JSON.stringify(r)), (e) => { console.log(JSON.stringify({ backend: process.argv[k + 1], loaded: false, error: String(e instanceof Error ? e.message : e) })); });
} else {
  all();
}
