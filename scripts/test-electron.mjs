// `npm run test:electron`: the extension-host suites (test/host/*.test.ts) under @vscode/test-electron,
// the ecosystem's standard runner, in a desktop VS Code (Electron). code-server (`npm run test:host`)
// stays the CI path; this one is not part of `npm test`.
//
// Which VS Code: $VSCODE_EXECUTABLE_PATH (the Electron binary, e.g. /usr/share/code/code or
// ".../Visual Studio Code.app/Contents/MacOS/Electron"), else a few usual install places, else a download
// by @vscode/test-electron (VSCODE_VERSION, default "stable") where the network allows it.
// Where neither works it says so and exits 3: NOT RUN is never a pass. On Linux without $DISPLAY it
// re-runs itself under xvfb-run when that is installed (Debian: apt install xvfb).
// Environment: MOCHA_GREP (a subset), VSCODE_VERSION, TEST_ELECTRON_DOWNLOAD_TIMEOUT_S (default 120).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO, cleanupTemp, ensureExample, prepareWorkspace } from './e2e/server.mjs';

const NOT_RUN = 3;
const notRun = (why) => { console.error(`test:electron: NOT RUN — ${why}`); return NOT_RUN; };

const USUAL_PLACES = [
  '/usr/share/code/code', '/usr/share/code-insiders/code-insiders', '/opt/visual-studio-code/code', '/snap/code/current/usr/share/code/code',
  '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
  path.join(process.env.LOCALAPPDATA ?? '', 'Programs', 'Microsoft VS Code', 'Code.exe'),
];

async function findVSCode() {
  const given = process.env.VSCODE_EXECUTABLE_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`VSCODE_EXECUTABLE_PATH=${given} does not exist`);
    return { path: given, how: 'VSCODE_EXECUTABLE_PATH' };
  }
  const found = USUAL_PLACES.find((p) => p && existsSync(p));
  if (found) return { path: found, how: 'installed' };
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  const version = process.env.VSCODE_VERSION ?? 'stable';
  const limit = Number(process.env.TEST_ELECTRON_DOWNLOAD_TIMEOUT_S ?? 120) * 1000;
  let timer;
  try {
    const p = await Promise.race([
      downloadAndUnzipVSCode({ version, cachePath: path.join(REPO, '.vscode-test') }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${limit / 1000} s`)), limit); }),
    ]);
    return { path: p, how: `downloaded (${version})` };
  } catch (e) {
    return { error: `no VS Code installed (looked at $VSCODE_EXECUTABLE_PATH and ${USUAL_PLACES.filter(Boolean).length} usual places) and the download failed: ${e?.message ?? e}` };
  } finally {
    clearTimeout(timer);
  }
}

async function bundleTests() {
  const srcDir = path.join(REPO, 'test/host');
  const outdir = path.join(REPO, 'dist/test/electron');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: readdirSync(srcDir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(srcDir, f)),
    outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
  return path.join(outdir, 'index.js');
}

async function main() {
  for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/cli.js']) {
    if (!existsSync(path.join(REPO, f))) return notRun(`${f} is missing: run \`npm run build\` first`);
  }
  const vscode = await findVSCode();
  if (vscode.error) return notRun(vscode.error);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.TEST_ELECTRON_UNDER_XVFB) {
    const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
    if (!xvfb) return notRun('no $DISPLAY and no xvfb-run to give Electron one (Debian: apt install xvfb), or set DISPLAY');
    const r = spawnSync(xvfb, ['-a', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, TEST_ELECTRON_UNDER_XVFB: '1' } });
    return r.status ?? 1;
  }
  console.log(`test:electron: VS Code ${vscode.how}: ${vscode.path}`);
  const extensionTestsPath = await bundleTests();
  ensureExample();
  const workspace = prepareWorkspace();
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      vscodeExecutablePath: vscode.path,
      extensionDevelopmentPath: REPO,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { INFLUENCE_LENS_CLI: path.join(REPO, 'dist/cli.js'), INFLUENCE_LENS_TEST: '1', MOCHA_GREP: process.env.MOCHA_GREP ?? '' },
    });
  } catch (e) {
    console.error(`test:electron: FAILED — ${e?.message ?? e}`);
    return 1;
  }
  console.log('test:electron: passed');
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(e?.stack ?? e);
  process.exitCode = 1;
} finally {
  cleanupTemp();
}
