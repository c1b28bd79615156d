/**
 * npm run bench:soak — 1,000 consecutive explain requests (test rows varying, pictures' features included,
 * as the extension asks) to ONE worker process on the 8×8 digits, through the extension's WorkerClient.
 * Prints the failures (goal 0) and the worker's resident memory growth from request 100 to request 1,000
 * (goal < 10 %), with latency percentiles. The worker is the bundled dist/worker.js (run `npm run build`).
 * Usage: node --import tsx scripts/bench-soak.ts [--requests 1000] [--examples examples] [--worker dist/worker.js] [--heap]
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureDigitsExample } from '../src/tools/digitsExample';
import { WorkerClient } from '../src/extension/workerClient';

const root = path.resolve(__dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const REQUESTS = Number(arg('requests', '1000'));
// --heap: also collect garbage (worker started with --expose-gc) at the two measuring points and print the
// retained V8 heap: a leak grows there. Off by default so the RSS figures come from an undisturbed run.
const HEAP = process.argv.includes('--heap');
const BASELINE_AT = Math.min(100, Math.floor(REQUESTS / 10));
const out = (s = '') => process.stdout.write(s + '\n');

/** Resident set size of a process in KiB (Linux /proc), or null elsewhere. */
function rssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}

const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

(async () => {
  const workerPath = path.resolve(root, arg('worker', 'dist/worker.js'));
  if (!existsSync(workerPath)) throw new Error(`${workerPath} not found: run npm run build first`);
  const ex = ensureDigitsExample(path.resolve(root, arg('examples', 'examples')));
  const logs: string[] = [];
  // --expose-gc only lets the status request collect garbage on demand (the retained-heap check below).
  const client = new WorkerClient({ workerPath, backend: 'cpu', execArgv: HEAP ? ['--expose-gc'] : [], onLog: (l) => logs.push(l) });
  let crashes = 0;
  try {
    const t0 = performance.now();
    const opened = await client.request('influence/open', { trainFile: ex.digits8.train, testFile: ex.digits8.test, labelColumn: 'label' });
    out(`worker ${client.pid}: opened digits8 (${opened.nTrain} train × ${opened.d} features, ${opened.classes.length} classes) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    const pid = client.pid!;
    const failures: string[] = [];
    const latency: number[] = [];
    let base: number | null = null, last: number | null = null, peak = 0;
    let heapBase = 0, heapLast = 0;
    const samples: Array<[number, number]> = [];
    for (let r = 1; r <= REQUESTS; r++) {
      // Rows walk through the test set with a stride, so the direction cache (64 rows) keeps turning over.
      const testIndex = (r * 37) % opened.nTest;
      const t1 = performance.now();
      try {
        const res = await client.request('influence/explain', { testIndex, top: 10, withFeatures: true });
        if (res.result.testIndex !== testIndex || res.result.scores.length !== opened.nTrain || !res.sampleFeatures) {
          failures.push(`request ${r}: malformed response for row ${testIndex}`);
        }
      } catch (e) {
        failures.push(`request ${r} (row ${testIndex}): ${e instanceof Error ? e.message : String(e)}`);
      }
      latency.push(performance.now() - t1);
      if (client.pid !== pid) { crashes++; failures.push(`request ${r}: the worker process changed (${pid} → ${client.pid})`); break; }
      const rss = rssKiB(pid) ?? (await client.request('influence/status', {})).memoryMB * 1024;
      peak = Math.max(peak, rss);
      const heap = async () => (HEAP ? (await client.request('influence/status', { gc: true })).heapUsedMB ?? 0 : 0);
      if (r === BASELINE_AT) { base = rss; heapBase = await heap(); }
      if (r === REQUESTS) { last = rss; heapLast = await heap(); }
      if (r % 100 === 0) samples.push([r, rss]);
    }
    out(`requests: ${REQUESTS}, failures: ${failures.length}${crashes ? ` (worker crashed ${crashes}×)` : ''}`);
    for (const f of failures.slice(0, 10)) out(`  ${f}`);
    out(`latency per explain: median ${pct(latency, 0.5).toFixed(1)} ms, p95 ${pct(latency, 0.95).toFixed(1)} ms, max ${Math.max(...latency).toFixed(1)} ms`);
    out(`worker RSS every 100 requests (MiB): ${samples.map(([r, k]) => `${r}: ${(k / 1024).toFixed(1)}`).join(', ')}`);
    if (base !== null && last !== null) {
      const growth = (last - base) / base;
      out(`RSS growth from request ${BASELINE_AT} to ${REQUESTS}: ${(base / 1024).toFixed(1)} → ${(last / 1024).toFixed(1)} MiB = ${(growth * 100).toFixed(1)} % (goal < 10 %), peak ${(peak / 1024).toFixed(1)} MiB`);
      if (HEAP) out(`V8 heap retained after a full collection: ${heapBase.toFixed(1)} MiB at request ${BASELINE_AT}, ${heapLast.toFixed(1)} MiB at ${REQUESTS} (${(((heapLast - heapBase) / heapBase) * 100).toFixed(1)} %): growth there would be a leak; RSS also holds garbage not yet collected`);
      process.exitCode = failures.length === 0 && growth < 0.1 ? 0 : 1;
    } else process.exitCode = 1;
  } finally {
    await client.dispose();
  }
  if (process.exitCode) for (const l of logs.slice(-20)) out(`log: ${l}`);
})();
