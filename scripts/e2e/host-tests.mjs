// `npm run test:host`: runs the mocha suites in test/host/*.test.ts INSIDE the VS Code extension
// host (code-server 4.100.3 = VS Code 1.100.3), with the extension loaded in development mode from
// this repo (needs `npm run build` first: dist/extension.js, dist/worker.js, dist/cli.js).
//
// How: the suites are bundled by esbuild into dist/test/host/ (mocha and vscode external). The web
// workbench takes extensionDevelopmentPath / extensionTestsPath from the page URL's `payload`
// parameter (code-server's CLI rejects those flags); the extension host then calls run() of
// dist/test/host/index.js and reports the exit code to window.codeAutomationExit in the page,
// and mocha's output to window.codeAutomationLog. Exit status = the mocha result.
//
// Environment: TEST_TIMEOUT_S (default 1800: the suites explain, crash and sweep on the 784-pixel digits), MOCHA_GREP (only matching tests), plus the knobs of
// scripts/e2e/server.mjs. Logs go to test-results/host/.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import {
  REPO, RESULTS_DIR, cleanupTemp, ensureCodeServer, ensureExample, launchBrowser, prepareWorkspace, startCodeServer,
  stopwatch,
} from './server.mjs';

const TEST_TIMEOUT_S = Number(process.env.TEST_TIMEOUT_S ?? 1800);
const OUT = path.join(RESULTS_DIR, 'host');
const BUNDLE_DIR = path.join(REPO, 'dist/test/host');
// The extension under test (development mode). E2E_EXTENSION_DIR lets the harness itself be
// checked against a stand-in extension.
const EXT_DIR = path.resolve(process.env.E2E_EXTENSION_DIR ?? REPO);
const sw = stopwatch('test:host');

for (const f of ['dist/extension.js', 'dist/cli.js']) {
  if (!existsSync(path.join(EXT_DIR, f))) { console.error(`${f} is missing: run \`npm run build\` first`); process.exit(2); }
}

/** Bundles test/host/index.ts and every test/host/*.test.ts (one output file each). */
export async function buildHostTests() {
  const srcDir = path.join(REPO, 'test/host');
  const entries = readdirSync(srcDir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(srcDir, f));
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: entries, outdir: BUNDLE_DIR, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    sourcemap: 'inline', logLevel: 'warning',
    // mocha must be the one instance index.js creates; vscode is provided by the extension host.
    external: ['vscode', 'mocha'],
  });
  return path.join(BUNDLE_DIR, 'index.js');
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const testsEntry = await buildHostTests();
  sw.mark('bundled tests');
  ensureCodeServer();
  ensureExample();
  const workspace = prepareWorkspace();
  sw.mark('workspace ready');
  const server = await startCodeServer({
    workspace,
    logFile: path.join(OUT, 'server.log'),
    // Environment of the server reaches the extension host, i.e. the tests.
    env: { INFLUENCE_LENS_CLI: path.join(EXT_DIR, 'dist/cli.js'), INFLUENCE_LENS_TEST: '1', MOCHA_GREP: process.env.MOCHA_GREP ?? '' },
  });
  sw.mark('server listening');
  const ctx = await launchBrowser(server);
  const page = ctx.pages()[0] ?? await ctx.newPage();
  let code = 1;
  let timer;
  try {
    const exited = new Promise((resolve) => { page.exposeFunction('codeAutomationExit', (c) => resolve(c)); });
    const log = createWriteStream(path.join(OUT, 'workbench.log'));
    const noise = /^(Ignoring fetching additional builtin|Resolv|Creating a socket|Updating additional|\[Service Worker\]|ChatSessionStore|%c|Started local extension host|Extension host)/;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...args);
      log.write(`${type}: ${line}\n`);
      if (!noise.test(line)) console.log(line);
    });
    page.on('pageerror', (e) => log.write(`pageerror: ${e}\n`));
    // A loaded machine can take more than playwright's default 30 s to serve the workbench.
    await page.goto(server.workbenchUrl({ extensionDevelopmentPath: EXT_DIR, extensionTestsPath: testsEntry }), { timeout: 180_000 });
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), TEST_TIMEOUT_S * 1000); });
    code = await Promise.race([exited, timeout]);
    if (code === 'timeout') {
      console.error(`test:host: no result from the extension host after ${TEST_TIMEOUT_S}s`);
      await page.screenshot({ path: path.join(OUT, 'timeout.png') }).catch(() => {});
      code = 1;
    }
    await new Promise((r) => log.end(r));
  } finally {
    clearTimeout(timer); // a pending timer would keep node alive
    await ctx.close().catch(() => {});
    await server.stop();
  }
  sw.mark(`finished, exit code ${code}`);
  writeFileSync(path.join(OUT, 'timings.json'), JSON.stringify(sw.marks, null, 2));
  return Number(code);
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(e?.stack ?? e);
  process.exitCode = 1;
} finally {
  cleanupTemp();
}
