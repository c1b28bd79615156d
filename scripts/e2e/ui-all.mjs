// `npm run test:e2e`: every UI scenario in test/e2e/*.mjs, one process each, ui.mjs (the main
// path) first, then the others in name order. E2E_ONLY=name1,name2 runs a subset (file names
// without .mjs). Exit status 1 if any scenario failed; all of them run either way.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './server.mjs';

const dir = path.join(REPO, 'test/e2e');
const only = process.env.E2E_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const names = readdirSync(dir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4))
  .sort((a, b) => (a === 'ui' ? -1 : b === 'ui' ? 1 : a.localeCompare(b)))
  .filter((n) => !only || only.includes(n));
const failed = [];
for (const n of names) {
  console.log(`\n=== test/e2e/${n}.mjs ===`);
  const r = spawnSync(process.execPath, [path.join(dir, `${n}.mjs`)], { stdio: 'inherit', cwd: REPO });
  if (r.status !== 0) failed.push(n);
}
console.log(failed.length ? `\nUI scenarios FAILED: ${failed.join(', ')}` : `\nUI scenarios passed: ${names.join(', ')}`);
process.exitCode = failed.length ? 1 : 0;
