// Helpers shared by the extension-host tests (scripts/e2e/host-tests.mjs), the UI scenario
// (test/e2e/ui.mjs) and `npm run try` (scripts/e2e/try.mjs): a throw-away code-server
// (VS Code 1.100 in a browser, Node extension host) on a free loopback port, with fresh
// user-data / extensions / config dirs, a *copy* of the example workspace, and a headless
// Debian chromium driven by playwright-core. Nothing touches the user's own VS Code data.
//
// Environment knobs (all optional):
//   CODE_SERVER_DIR   install dir of scripts/e2e/install-code-server.sh   default <repo>/.e2e/code-server
//   CHROMIUM          browser binary                                      default /usr/bin/chromium
//   E2E_EXAMPLE_DIR   folder copied as the workspace                      default <repo>/examples/digits
//   KEEP_TMP=1        keep the temp dirs (server data, profile, workspace copy) for inspection
//   HEADED=1          show the browser (needs a display)
import { spawn, execFileSync } from 'node:child_process';
import {
  cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.100.3';
export const CODE_SERVER_DIR = path.resolve(REPO, process.env.CODE_SERVER_DIR ?? '.e2e/code-server');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const EXAMPLE_DIR = path.resolve(REPO, process.env.E2E_EXAMPLE_DIR ?? 'examples/digits');
export const RESULTS_DIR = path.join(REPO, 'test-results');
const ENTRY = path.join(CODE_SERVER_DIR, 'node_modules/code-server/out/node/entry.js');

/** Config written into the workspace copy when the example generator did not produce one. */
export const DEFAULT_CONFIG = {
  train: 'train.csv', test: 'test.csv', labelColumn: 'label',
  model: { type: 'linear', l2: 0.001 }, imageShape: [28, 28],
};

// ---- timing / logging -------------------------------------------------------------------
export function stopwatch(label) {
  const t0 = Date.now();
  const marks = {};
  return {
    marks,
    mark(name) {
      marks[name] = Number(((Date.now() - t0) / 1000).toFixed(2));
      console.log(`[${label} ${marks[name].toFixed(1)}s] ${name}`);
    },
    elapsed: () => (Date.now() - t0) / 1000,
  };
}

// ---- temp dirs ----------------------------------------------------------------------------
const tempDirs = [];
export function makeTemp(prefix) {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
export function cleanupTemp() {
  if (process.env.KEEP_TMP) { if (tempDirs.length) console.log(`KEEP_TMP: kept ${tempDirs.join(' ')}`); return; }
  while (tempDirs.length) rmSync(tempDirs.pop(), { recursive: true, force: true });
}

// ---- code-server install / example data -------------------------------------------------
/** Runs the (idempotent) installer when code-server is missing, so a fresh `npm ci && npm test` works. */
export function ensureCodeServer() {
  const marker = path.join(CODE_SERVER_DIR, `.influence-lens-e2e-ready-${CODE_SERVER_VERSION}`);
  if (existsSync(marker) && existsSync(ENTRY)) return;
  console.log(`code-server missing in ${CODE_SERVER_DIR}: running scripts/e2e/install-code-server.sh`);
  execFileSync('bash', [path.join(REPO, 'scripts/e2e/install-code-server.sh'), CODE_SERVER_DIR], { stdio: 'inherit' });
}

/** Generates examples/digits with the project's generator if it is not there yet. */
export function ensureExample() {
  if (existsSync(path.join(EXAMPLE_DIR, 'train.csv')) && existsSync(path.join(EXAMPLE_DIR, 'test.csv'))) return;
  const gen = path.join(REPO, 'scripts/make-example.ts');
  if (!existsSync(gen)) throw new Error(`${EXAMPLE_DIR} is missing and there is no scripts/make-example.ts to generate it`);
  console.log('generating the example workspace: tsx scripts/make-example.ts examples');
  execFileSync(process.execPath, ['--import', 'tsx', gen, path.join(REPO, 'examples')], { cwd: REPO, stdio: 'inherit' });
  if (!existsSync(path.join(EXAMPLE_DIR, 'test.csv'))) throw new Error(`make-example did not produce ${EXAMPLE_DIR}/test.csv`);
}

/**
 * Copies the example folder into a temp dir (tests may write into it: config edits, caches)
 * and writes influence.config.json when it is absent. Returns the copy's absolute path.
 */
export function prepareWorkspace({ source = EXAMPLE_DIR, config } = {}) {
  const ws = path.join(makeTemp('il-ws-'), path.basename(source));
  cpSync(source, ws, { recursive: true });
  const cfg = path.join(ws, 'influence.config.json');
  if (config) writeFileSync(cfg, JSON.stringify(config, null, 2));
  else if (!existsSync(cfg)) writeFileSync(cfg, JSON.stringify(DEFAULT_CONFIG, null, 2) + '\n');
  return ws;
}

// ---- extension packaging ------------------------------------------------------------------
export function manifest(dir = REPO) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { ...pkg, id: `${pkg.publisher}.${pkg.name}`.toLowerCase() };
}

/** The .vsix produced by `npm run package` (newest *.vsix in the repo root, or $E2E_VSIX). */
export function findVsix(dir = REPO) {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  const found = readdirSync(dir).filter((f) => f.endsWith('.vsix'))
    .map((f) => ({ f: path.join(dir, f), t: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
  if (!found.length) throw new Error(`no .vsix in ${dir}: run \`npm run package\` first`);
  return found[0].f;
}

// ---- code-server --------------------------------------------------------------------------
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/**
 * Starts code-server with fresh dirs.
 *   workspace  folder the workbench URL opens
 *   vsix       install this package into the fresh extensions dir first (separate CLI call)
 *   link       symlink this extension folder into the extensions dir
 *   env        extra environment (reaches the extension host and its child processes)
 *   settings   extra user settings
 *   logFile    server stdout/stderr
 *   port       fixed port (default: a free one)
 * Returns { url, port, tmp, child, workbenchUrl(dev), stop() }.
 */
export async function startCodeServer({ workspace, vsix, link, env = {}, settings = {}, logFile, port } = {}) {
  ensureCodeServer();
  const tmp = makeTemp('il-cs-');
  port ??= await freePort();
  const dirs = ['--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')];
  // XDG_CONFIG_HOME: code-server would otherwise write ~/.config/code-server/config.yaml.
  // EXTENSIONS_GALLERY='{}': no marketplace (unreachable offline, and not wanted in tests).
  const serverEnv = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), EXTENSIONS_GALLERY: '{}', ...env };
  mkdirSync(path.join(tmp, 'user-data/User'), { recursive: true });
  writeFileSync(path.join(tmp, 'user-data/User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', // no walkthrough tab stealing focus
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'window.restoreWindows': 'none',
    ...settings,
  }, null, 2));
  if (vsix) {
    execFileSync(process.execPath, [ENTRY, ...dirs, '--install-extension', vsix],
      { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  if (link) {
    const m = manifest(link);
    mkdirSync(path.join(tmp, 'extensions'), { recursive: true });
    symlinkSync(link, path.join(tmp, 'extensions', `${m.id}-${m.version}`));
  }
  const args = [ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...dirs];
  const child = spawn(process.execPath, args, { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = logFile ? (mkdirSync(path.dirname(logFile), { recursive: true }), createWriteStream(logFile)) : null;
  let output = '';
  const onData = (d) => { log?.write(d); if (output.length < 20000) output += d; };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`code-server did not start in 60s:\n${output}`)); }, 60000);
    const onOut = (d) => { if (String(d).includes('HTTP server listening')) { cleanup(); resolve(); } };
    const onExit = (code) => { cleanup(); reject(new Error(`code-server exited with ${code}:\n${output}`)); };
    function cleanup() { clearTimeout(timer); child.stdout.off('data', onOut); child.off('exit', onExit); }
    child.stdout.on('data', onOut);
    child.on('exit', onExit);
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, tmp, child,
    /**
     * Page URL opening `workspace`. `dev` keys (extensionDevelopmentPath, extensionTestsPath)
     * go into the `payload` query parameter as vscode-remote:// URIs: code-server's CLI rejects
     * those flags, but the web workbench reads them from the URL.
     */
    workbenchUrl(dev = {}) {
      const authority = `127.0.0.1:${port}`;
      const payload = Object.entries(dev).map(([k, p]) => [k, `vscode-remote://${authority}${p}`]);
      let q = `folder=${encodeURIComponent(workspace)}`;
      if (payload.length) q += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return `${url}/?${q}`;
    },
    /** SIGTERM ends code-server with its extension host(s) and the extension's children. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        let timer;
        const late = await Promise.race([exited.then(() => false), new Promise((r) => { timer = setTimeout(() => r(true), 5000); })]);
        clearTimeout(timer);
        if (late) { child.kill('SIGKILL'); await exited; }
      }
      await new Promise((r) => (log ? log.end(r) : r()));
    },
  };
}

// ---- browser ------------------------------------------------------------------------------
export async function loadChromium() {
  try { return (await import('playwright-core')).chromium; } catch {
    // Fall back to the copy the installer put next to code-server.
    return createRequire(path.join(CODE_SERVER_DIR, 'package.json'))('playwright-core').chromium;
  }
}

/** Headless Debian chromium with a fresh profile (launchPersistentContext: launch() refuses --user-data-dir). */
export async function launchBrowser(server, { viewport = { width: 1500, height: 900 } } = {}) {
  const chromium = await loadChromium();
  return chromium.launchPersistentContext(path.join(server.tmp, 'browser-profile'), {
    executablePath: CHROMIUM,
    headless: !process.env.HEADED,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// ---- workbench driving ----------------------------------------------------------------------
/**
 * Webviews are two nested iframes: an outer host frame whose URL carries
 * `extensionId=<publisher.name>` and an inner frame with the extension's HTML.
 * Returns the inner frame containing `selector`.
 */
export async function webviewFrame(page, extId, selector, timeout = 30000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const outer of page.frames()) {
      if (!outer.url().includes(`extensionId=${extId}`)) continue;
      for (const inner of outer.childFrames()) {
        try { if (await inner.$(selector)) return inner; } catch { /* frame navigated; retry */ }
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame of ${extId} contains ${selector}`);
}

/** F1 / Control+P quick input: type `text`, wait for a row containing `rowLabel`, Enter. */
export async function quickPick(page, key, text, rowLabel = text) {
  await page.keyboard.press(key);
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: rowLabel }).first().waitFor({ timeout: 20000 });
  await page.keyboard.press('Enter');
}
export const runCommand = (page, title) => quickPick(page, 'F1', title, title);

export async function openFile(page, name) {
  await quickPick(page, 'Control+P', name, name);
  await page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor({ timeout: 20000 });
}

/** Status bar "Ln X, Col Y": the 1-based cursor line of the active text editor. */
export async function cursorLine(page) {
  const t = await page.locator('[id="status.editor.selection"]').innerText({ timeout: 5000 }).catch(() => '');
  const m = /Ln (\d+)/.exec(t);
  return m ? Number(m[1]) : NaN;
}

export async function waitFor(what, fn, timeout = 20000, every = 200) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}
