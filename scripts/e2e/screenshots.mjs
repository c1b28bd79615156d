// `node scripts/e2e/screenshots.mjs`: the marketplace screenshot of the class sweep (media/screenshots/sweep.png),
// taken like the UI test (code-server + chromium, the packaged .vsix) on the 8×8 digits, where the sweep
// takes seconds instead of minutes. The Explain panel shots come from `npm run test:e2e` (test-results/e2e/
// 2-explain-panel.png → explain.png, 4-optimizer-verified-webview.png → optimizer.png).
// Needs `npm run demo` (examples/digits8) and `npm run package`; E2E_STEP_TIMEOUT_S as in the UI test.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, RESULTS_DIR, cleanupTemp, ensureCodeServer, findVsix, launchBrowser, manifest, prepareWorkspace, runCommand,
  startCodeServer, webviewFrame, waitFor,
} from './server.mjs';

const STEP_MS = Number(process.env.E2E_STEP_TIMEOUT_S ?? 240) * 1000;
const OUT = path.join(RESULTS_DIR, 'screenshots');
const source = path.join(REPO, 'examples', 'digits8');

async function main() {
  if (!existsSync(path.join(source, 'train.csv'))) throw new Error(`${source} is missing: run \`npm run demo\` first`);
  mkdirSync(OUT, { recursive: true });
  ensureCodeServer();
  const workspace = prepareWorkspace({
    source, config: { train: 'train.csv', test: 'test.csv', labelColumn: 'label', model: { type: 'linear', l2: 0.001 }, imageShape: [8, 8] },
  });
  const server = await startCodeServer({ workspace, vsix: findVsix(), logFile: path.join(OUT, 'server.log') });
  const ctx = await launchBrowser(server, { viewport: { width: 1400, height: 860 } });
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    await page.goto(server.workbenchUrl());
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'test.csv' }).waitFor({ timeout: 60000 });
    await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
    await runCommand(page, 'Influence Lens: Sweep Over Classes');
    const ext = manifest().id;
    const sweep = await webviewFrame(page, ext, '[data-testid="sweep-row"]', STEP_MS);
    await waitFor('10 sweep rows', async () => (await sweep.locator('[data-testid="sweep-row"]').count()) >= 10, STEP_MS);
    await sweep.locator('[data-testid="sweep-chart"]').first().waitFor({ timeout: 15000 });
    await page.waitForTimeout(500);
    const file = path.join(OUT, 'sweep.png');
    await page.screenshot({ path: file });
    mkdirSync(path.join(REPO, 'media', 'screenshots'), { recursive: true });
    copyFileSync(file, path.join(REPO, 'media', 'screenshots', 'sweep.png'));
    console.log(`screenshots: ${path.relative(REPO, file)} → media/screenshots/sweep.png`);
  } finally {
    await ctx.close().catch(() => {});
    await server.stop();
  }
}

try {
  await main();
} catch (e) {
  console.error(e?.stack ?? e);
  process.exitCode = 1;
} finally {
  cleanupTemp();
}
