// The project's CLI as the reference for the UI scenario: `node dist/cli.js explain … --json`.
import { execFile } from 'node:child_process';
import path from 'node:path';

/** Runs `explain` for one test row; resolves with the parsed JSON. `extra`: more CLI options (--onnx-model F, --scores F…). */
export function cliExplain({ cli, workspace, testIndex, top = 10, extra = [] }) {
  const args = [path.resolve(cli), 'explain', '--train', path.join(workspace, 'train.csv'), '--test', path.join(workspace, 'test.csv'),
    '--test-index', String(testIndex), '--top', String(top), ...extra, '--json'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: workspace, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`CLI failed: node ${args.join(' ')}\n${stderr}\n${err.message}`));
      try { resolve(JSON.parse(stdout)); } catch (e) { reject(new Error(`CLI printed no JSON: ${e.message}\n${stdout.slice(0, 400)}`)); }
    });
  });
}

/**
 * First misclassified test row (predicted ≠ label), scanning from `from`. Rows are 0-based; row i
 * is on line i+2 of test.csv (line 1 is the header).
 */
export async function findMisclassified({ cli, workspace, from = 0, limit = 200, top = 10, parallel = 2, extra = [] }) {
  // A few CLI runs at a time (each fits the model, ~7 s for the digits example on one core).
  for (let i = from; i < from + limit; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, from + limit - i) }, (_, k) => i + k);
    const results = await Promise.all(batch.map((testIndex) => cliExplain({ cli, workspace, testIndex, top, extra })));
    const hit = results.findIndex((r) => String(r.predicted) !== String(r.label));
    if (hit >= 0) return { testIndex: batch[hit], result: results[hit], tried: i - from + batch.length };
  }
  throw new Error(`no misclassified row among test rows ${from}..${from + limit - 1}`);
}
