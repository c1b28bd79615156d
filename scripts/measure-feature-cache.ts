/**
 * ONNX feature cache: time to open an ONNX source with an empty cache folder (onnxruntime runs the
 * network over every row) vs with the folder a previous process filled (features read from disk). Each
 * open is its own process, as a reopened workspace or a restarted worker would be; times are taken
 * inside the process (open = load data + features + head check/refit; features = the features step with the head check or refit).
 *   node --import tsx scripts/measure-feature-cache.ts [--rows N] [--repeats R]
 * --rows tiles the 8×8 digits' training rows to N rows (default: the fixture's 1000) to show scaling.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openAnalyzer } from '../src/engine/analyzer/index';
import { loadDataset } from '../src/engine/data/load';
import { OnnxClassifier, setDefaultFeatureCache } from '../src/engine/onnx/index';
import { ensureDigitsExample } from '../src/tools/digitsExample';
import { DiskFeatureCache } from '../src/worker/featureCache';

const argv = process.argv.slice(2);
const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const REPO = path.resolve(__dirname, '..');
const MODEL = path.join(REPO, 'test/fixtures/onnx/mlp.onnx');

async function child(): Promise<void> {
  const [train, test, cacheDir] = [opt('--train')!, opt('--test')!, opt('--cache')!];
  setDefaultFeatureCache(new DiskFeatureCache(cacheDir));
  if (argv.includes('--features-only')) {
    // The features step alone: what the cache replaces (the head check/refit that follows is the same either way).
    const tr = loadDataset(train), te = loadDataset(test, { reference: tr });
    const clf = OnnxClassifier.open(MODEL);
    const t1 = performance.now();
    await clf.features(tr);
    await clf.features(te);
    process.stdout.write(JSON.stringify({ features: performance.now() - t1 }) + '\n');
    return;
  }
  const t0 = performance.now();
  const a = await openAnalyzer({ trainFile: train, testFile: test, labelColumn: 'label', model: { type: 'onnx', path: MODEL } }, {});
  const open = performance.now() - t0;
  const e = a.explain(0, { top: 5 });
  process.stdout.write(JSON.stringify({ open, features: a.source.timings.features, top: e.harmful.map((r) => r.index) }) + '\n');
}

function tiled(src: string, rows: number, out: string): string {
  const [header, ...lines] = fs.readFileSync(src, 'utf8').trim().split('\n');
  const body = Array.from({ length: rows }, (_, i) => lines[i % lines.length]);
  fs.writeFileSync(out, [header, ...body].join('\n') + '\n');
  return out;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-measure-fc-'));
  try {
    const ex = ensureDigitsExample(path.join(REPO, 'examples'));
    const rows = Number(opt('--rows') ?? 0);
    const train = rows ? tiled(ex.digits8.train, rows, path.join(tmp, 'train.csv')) : ex.digits8.train;
    const repeats = Number(opt('--repeats') ?? 3);
    const run = (cache: string, ...more: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', '--train', train, '--test', ex.digits8.test, '--cache', cache, ...more], { cwd: REPO, encoding: 'utf8' }).trim().split('\n').pop()!);
    const firsts: number[][] = [], seconds: number[][] = [];
    for (let r = 0; r < repeats; r++) {
      const cache = path.join(tmp, `cache-${r}`);
      const a = run(cache), b = run(cache);
      if (JSON.stringify(a.top) !== JSON.stringify(b.top)) throw new Error(`top rows differ between the first and the cached open: ${a.top} vs ${b.top}`);
      const fa = run(path.join(tmp, `features-${r}`), '--features-only'), fb = run(path.join(tmp, `features-${r}`), '--features-only');
      firsts.push([a.open, a.features, fa.features]);
      seconds.push([b.open, b.features, fb.features]);
    }
    const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
    const f = (k: number, xs: number[][]) => med(xs.map((x) => x[k]));
    const size = fs.readdirSync(path.join(tmp, 'cache-0')).reduce((s, n) => s + fs.statSync(path.join(tmp, 'cache-0', n)).size, 0);
    console.log(`mlp.onnx on ${rows || 1000} training + 300 test rows, ${repeats} pairs of processes, medians:`);
    console.log(`  first open (empty cache):   open ${f(0, firsts).toFixed(0)} ms, features+head ${f(1, firsts).toFixed(0)} ms, features alone ${f(2, firsts).toFixed(1)} ms`);
    console.log(`  second open (cache filled): open ${f(0, seconds).toFixed(0)} ms, features+head ${f(1, seconds).toFixed(0)} ms, features alone ${f(2, seconds).toFixed(1)} ms`);
    console.log(`  ratio first/second: open ×${(f(0, firsts) / f(0, seconds)).toFixed(2)}, features alone ×${(f(2, firsts) / f(2, seconds)).toFixed(2)}; cache folder ${(size / 2 ** 20).toFixed(2)} MiB, same top rows`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (argv.includes('--child')) void child(); else void main();
