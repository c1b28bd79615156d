// Playwright helpers shared by the UI scenarios in test/e2e/*.mjs, and `runScenario`, the harness
// every scenario file uses: it installs the packaged .vsix into a throw-away code-server, opens a
// workspace, runs the scenario, then fails on any Content-Security-Policy report and writes
// test-results/e2e/<name>/report.json (checks, timings, console). One scenario per file, so a new
// view brings its own test without touching the others.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, RESULTS_DIR, cleanupTemp, cursorLine, ensureCodeServer, ensureExample, findVsix, launchBrowser, manifest, startCodeServer, stopwatch,
  waitFor,
} from './server.mjs';

/** The extension under test (E2E_EXTENSION_DIR: a stand-in with its own dist/cli.js), its manifest and CLI. */
export const EXT_DIR = path.resolve(process.env.E2E_EXTENSION_DIR ?? REPO);
export const EXT = manifest(EXT_DIR);
export const CLI = path.join(EXT_DIR, 'dist/cli.js');
/** Longest wait of one scenario step (E2E_STEP_TIMEOUT_S, 240 s by default; a loaded machine needs more). */
export const STEP_MS = Number(process.env.E2E_STEP_TIMEOUT_S ?? 240) * 1000;

export const tid = (id) => `[data-testid="${id}"]`;
export const integers = (s) => (String(s ?? '').match(/\d+/g) ?? []).map(Number);

/** Check log of one scenario: `ok(what, detail)` prints and records a passed check. */
export function checkLog() {
  const checks = [];
  const ok = (what, detail = '') => {
    checks.push({ what, ok: true, detail });
    console.log(`  ok: ${what}${detail ? ` — ${detail}` : ''}`);
  };
  return { checks, ok };
}

/** Screenshot of the page, plus a close-up of the webview's <iframe> when `frame` is given. */
export async function shot(out, page, name, frame) {
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  if (frame) await (await frame.frameElement()).screenshot({ path: path.join(out, `${name}-webview.png`) }).catch(() => {});
}

/** Sets an <input> (or a custom element with a `value` property) the way typing would. */
export async function setValue(locator, value) {
  const tag = await locator.evaluate((el) => el.tagName);
  if (tag === 'INPUT' || tag === 'TEXTAREA') { await locator.fill(String(value)); return; }
  await locator.evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    el.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }, String(value));
}

/** Clicks an element of a webview after centring it (the bottom edge is where notification toasts sit). */
export async function clickCentered(locator) {
  await locator.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'nearest' }));
  await locator.click();
}

/** Cursor to 1-based `line` of the active editor (Go to Line). */
export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(String(line));
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${line}` }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await waitFor(`cursor on line ${line}`, async () => (await cursorLine(page)) === line, 10000);
}

/** The webview's own width and whether anything sticks out sideways. */
export async function layout(frame, cellSelector) {
  return frame.evaluate((sel) => {
    const doc = document.documentElement;
    const cells = [...document.querySelectorAll(sel)];
    const right = cells.length ? Math.max(...cells.map((c) => c.getBoundingClientRect().right)) : 0;
    return { width: doc.clientWidth, scrollWidth: doc.scrollWidth, cellRight: right, cells: cells.length };
  }, cellSelector);
}

const CSP_REPORT = /Content Security Policy|Refused to (apply|load|execute|connect|frame)/i;

/**
 * Runs one UI scenario end to end and sets the exit status.
 *   name      results folder test-results/e2e/<name>/ (the main suite uses '' = test-results/e2e/)
 *   prepare   async ({ out, sw }) => ({ workspace, ...anything the scenario needs }); runs before the server
 *   scenario  async ({ page, url, out, sw, ok, serverDir, ...prepared }) => report fields to merge (optional);
 *             serverDir: the server's own folder (user-data/, extensions/), to check what the extension stored
 *   env, settings  passed to startCodeServer
 */
export async function runScenario({ name, prepare, scenario, env = {}, settings = {} }) {
  const out = path.join(RESULTS_DIR, 'e2e', name ?? '');
  const label = name ? `e2e:${name}` : 'e2e';
  const sw = stopwatch(label);
  const { checks, ok } = checkLog();
  const consoleLog = [];
  let failure;
  let extra = {};
  let vsix;
  try {
    if (name) rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    vsix = findVsix();
    ensureCodeServer();
    // Scenarios copy examples/digits or examples/digits8: a clean clone has neither until generated.
    ensureExample();
    const prepared = await prepare({ out, sw, ok });
    sw.mark(`workspace ready (${path.basename(vsix)})`);
    const server = await startCodeServer({ workspace: prepared.workspace, vsix, env, settings, logFile: path.join(out, 'server.log') });
    sw.mark('server listening (vsix installed)');
    const ctx = await launchBrowser(server);
    const page = ctx.pages()[0] ?? await ctx.newPage();
    // Console of every frame, including the webviews' out-of-process frames and CSP reports.
    page.on('console', (m) => consoleLog.push({ type: m.type(), text: m.text(), url: m.location()?.url ?? '' }));
    page.on('pageerror', (e) => consoleLog.push({ type: 'pageerror', text: String(e?.stack ?? e), url: '' }));
    try {
      extra = (await scenario({ ...prepared, page, url: server.workbenchUrl(), out, sw, ok, serverDir: server.tmp })) ?? {};
    } catch (e) {
      failure = e;
      await shot(out, page, 'failure').catch(() => {});
    } finally {
      await ctx.close().catch(() => {});
      await server.stop();
    }
  } catch (e) {
    failure ??= e;
  }
  writeFileSync(path.join(out, 'console.json'), JSON.stringify(consoleLog, null, 2));
  const csp = consoleLog.filter((m) => CSP_REPORT.test(m.text));
  const webviewErrors = consoleLog.filter((m) => (m.type === 'error' || m.type === 'pageerror')
    && /vscode-cdn|vscode-webview|webview/i.test(m.url) && !csp.includes(m));
  for (const m of csp) console.log(`  CSP: ${m.text.slice(0, 300)}`);
  for (const m of webviewErrors) console.log(`  webview error: ${m.text.slice(0, 300)} (${m.url})`);
  if (!failure && csp.length) failure = new Error(`${csp.length} Content-Security-Policy report(s) in the console`);
  if (!failure) ok('no CSP reports in any frame', `${consoleLog.length} console messages`);
  sw.mark(failure ? 'FAILED' : 'passed');
  writeFileSync(path.join(out, 'report.json'), JSON.stringify({
    vsix: vsix ? path.basename(vsix) : null, ...extra, timings: sw.marks, checks,
    failure: failure ? String(failure.stack ?? failure) : null, csp, webviewErrors,
  }, null, 2));
  cleanupTemp();
  if (failure) {
    console.error(`test:${label} FAILED: ${failure?.stack ?? failure}`);
    process.exitCode = 1;
  } else {
    console.log(`test:${label} passed in ${sw.elapsed().toFixed(1)}s; screenshots in ${path.relative(process.cwd(), out)}/`);
  }
}
