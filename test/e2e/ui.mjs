// `npm run test:e2e`: the user's path through the PACKAGED extension (.vsix installed into a
// throw-away code-server = VS Code 1.100.3), driven by playwright-core + headless Debian chromium.
//
//   1. find a misclassified test row with the CLI (the reference answer)
//   2. open test.csv, put the cursor on that row, right-click → Explain Prediction
//   3. the Explain panel lists the CLI's top harmful rows, in order
//   4. greedy optimizer, k = 10 → a result with 10 members (then Verify)
//   5. a harmful row's jump link → train.csv is active at that row's line (status bar "Ln X")
//   6. the "Influence Lens" sidebar shows "Harmful Training Groups"
//   7. Sweep Over Classes → one sweep-row per class (10) and the chart
//   8. issue 13: still two editor columns after explain + optimizer + jump + sweep; at 360 px the
//      panel has no sideways overflow, Retrained is visible, the sweep chart is usable; a correctly
//      classified row gets sidebar icons only for effects ≥ 5% of its loss; Reload Window brings
//      the Explain panel back (WebviewPanelSerializer). Screenshots: panel-360, sweep-360, sidebar-correct.
//   9. no Content-Security-Policy report in the console of any frame, no error in the webviews
//
// Needs `npm run build && npm run package` (newest *.vsix in the repo root, or E2E_VSIX).
// Screenshots, console log, timings: test-results/e2e/. Exit status 0 = every check passed.
// Environment: E2E_VSIX, E2E_EXTENSION_DIR (stand-in extension with its own dist/cli.js),
// E2E_TEST_INDEX (skip the search for a misclassified row), E2E_STEP_TIMEOUT_S (default 240),
// plus the knobs of scripts/e2e/server.mjs.
import path from 'node:path';
import { cliExplain, findMisclassified } from '../../scripts/e2e/cli.mjs';
import {
  CLI, clickCentered, EXT, goToLine, integers, layout, runScenario, setValue, shot as shotIn, STEP_MS, tid,
} from '../../scripts/e2e/page.mjs';
import {
  cursorLine, ensureExample, openFile, prepareWorkspace, runCommand, waitFor, webviewFrame,
} from '../../scripts/e2e/server.mjs';

const N_CLASSES = 10;
const COMPARE_TOP = 5;
// Set by the harness before the scenario runs.
let OUT, sw, ok;
const shot = (page, name, frame) => shotIn(OUT, page, name, frame);

async function scenario(page, url, target) {
  const { testIndex, result: ref } = target;
  const fileLine = testIndex + 2; // header is line 1

  await page.goto(url, { timeout: 180_000 }); // a loaded machine serves the workbench slowly
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'test.csv' }).waitFor({ timeout: 60000 });
  sw.mark('workbench ready');
  // Progress/info toasts of long operations would otherwise sit on top of the panel's buttons.
  await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');

  // ---- 2. test.csv, cursor on the misclassified row, context menu ----
  await openFile(page, 'test.csv');
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(String(fileLine));
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${fileLine}` }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await waitFor(`cursor on line ${fileLine}`, async () => (await cursorLine(page)) === fileLine, 10000);
  // Right-click exactly on the cursor: a right-click elsewhere would move it to another row.
  const cursor = page.locator('.editor-group-container.active .monaco-editor .cursors-layer .cursor').first();
  const box = await waitFor('cursor element', () => cursor.boundingBox(), 10000);
  await page.mouse.click(box.x + 1, box.y + box.height / 2, { button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Explain Prediction' }).first();
  await item.waitFor({ timeout: 10000 });
  await shot(page, '1-context-menu');
  if ((await cursorLine(page)) !== fileLine) throw new Error(`right-click moved the cursor off line ${fileLine}`);
  await item.click();
  sw.mark('explain requested');

  // ---- 3. the panel lists the CLI's top harmful rows ----
  const explain = await webviewFrame(page, EXT.id, tid('harmful-row'), STEP_MS);
  const header = (await explain.locator(tid('sample-header')).first().innerText()).replace(/\s+/g, ' ').trim();
  const want = ref.harmful.slice(0, COMPARE_TOP).map((r) => r.index);
  const got = await waitFor('panel to list harmful rows', async () => {
    const idx = (await explain.locator(tid('harmful-row')).evaluateAll((els) => els.map((e) => e.getAttribute('data-index'))))
      .map(Number);
    return idx.length >= COMPARE_TOP && idx;
  }, 30000);
  sw.mark('explain panel rendered');
  await shot(page, '2-explain-panel', explain);
  if (JSON.stringify(got.slice(0, COMPARE_TOP)) !== JSON.stringify(want)) {
    throw new Error(`panel's top harmful rows ${got.slice(0, COMPARE_TOP)} ≠ CLI's ${want} (test row ${testIndex})`);
  }
  ok(`panel shows the CLI's top ${COMPARE_TOP} harmful rows for test row ${testIndex}`, `${want.join(', ')}; header "${header.slice(0, 80)}"`);
  if (!header) throw new Error('sample-header is empty');
  if (!(await explain.locator(tid('helpful-row')).count())) throw new Error('no helpful-row in the panel');
  ok('panel shows helpful rows', `${await explain.locator(tid('helpful-row')).count()} rows`);
  const groupRows = explain.locator(tid('group-row'));
  await waitFor('group rows in the panel', async () => (await groupRows.count()) > 0, STEP_MS);
  const groups = await groupRows.evaluateAll((els) => els.map((e) => {
    const cell = (id) => e.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    return { name: e.getAttribute('data-name'), firstOrder: cell('first-order'), secondOrder: cell('second-order'), retrain: cell('retrain') };
  }));
  if (groups.some((g) => !g.name || g.firstOrder === null || g.secondOrder === null || g.retrain === null)) {
    throw new Error(`group-row without data-name or first-order/second-order/retrain cells: ${JSON.stringify(groups.slice(0, 3))}`);
  }
  ok('panel lists groups', `${groups.length}: ${groups.slice(0, 3).map((g) => `${g.name} (1st ${g.firstOrder}, 2nd ${g.secondOrder}, retrain ${g.retrain})`).join('; ')}`);

  // ---- 4. greedy optimizer, k = 10 ----
  await setValue(explain.locator(tid('optimizer-k')).first(), 10);
  const dir = explain.locator(tid('optimizer-direction')).first();
  if (await dir.count()) {
    const tag = await dir.evaluate((el) => el.tagName);
    if (tag === 'SELECT') await dir.selectOption({ label: 'harmful' }).catch(() => dir.selectOption('harmful').catch(() => {}));
  }
  await clickCentered(explain.locator(tid('optimizer-run')).first());
  const result = explain.locator(tid('optimizer-result')).first();
  const members = await waitFor('optimizer result with members', async () => {
    const m = integers(await result.getAttribute('data-members'));
    return m.length > 0 && m;
  }, STEP_MS);
  sw.mark('optimizer result');
  await shot(page, '3-optimizer', explain);
  if (members.length !== 10 || new Set(members).size !== 10) throw new Error(`optimizer result has ${members.length} members (${members}), want 10 distinct`);
  ok('greedy optimizer k=10 returns 10 members', `${members.join(', ')}; "${(await result.innerText()).replace(/\s+/g, ' ').slice(0, 120)}"`);
  const verify = explain.locator(tid('optimizer-verify')).first();
  if (await verify.count()) {
    const before = await result.innerText();
    await clickCentered(verify);
    const after = await waitFor('optimizer verification', async () => {
      const t = await result.innerText();
      return t !== before && t;
    }, STEP_MS).catch(() => null);
    if (!after) throw new Error('optimizer-verify changed nothing in optimizer-result');
    ok('optimizer verify (retrain) reports', after.replace(/\s+/g, ' ').slice(0, 160));
    await shot(page, '4-optimizer-verified', explain);
  }

  // ---- 5. jump link → train.csv at the row's line ----
  const first = ref.harmful[0];
  const wantLine = first.line ?? first.index + 2;
  await clickCentered(explain.locator(`${tid('harmful-row')}[data-index="${first.index}"] ${tid('jump-link')}`).first());
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'train.csv' }).waitFor({ timeout: 15000 });
  await waitFor(`status bar "Ln ${wantLine}"`, async () => (await cursorLine(page)) === wantLine, 15000);
  sw.mark('jumped to training row');
  await shot(page, '5-jumped');
  ok('jump link opens train.csv at the row', `row ${first.index} → Ln ${wantLine}`);

  // ---- 6. sidebar: Harmful Training Groups ----
  await page.locator('.activitybar [aria-label^="Influence Lens"]').first().click();
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Harmful Training Groups' }) }).first();
  await pane.waitFor({ timeout: 15000 });
  const treeRows = pane.locator('.monaco-list-row');
  await waitFor('groups in the sidebar tree', async () => (await treeRows.count()) > 0, STEP_MS);
  const labels = (await treeRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  sw.mark('sidebar groups');
  await shot(page, '6-sidebar-groups');
  ok('sidebar shows Harmful Training Groups', `${labels.length} rows: ${labels.slice(0, 4).join(' | ')}`);

  // ---- 7. sweep over classes ----
  await runCommand(page, 'Influence Lens: Sweep Over Classes');
  const sweep = await webviewFrame(page, EXT.id, tid('sweep-row'), STEP_MS);
  const classes = await waitFor(`${N_CLASSES} sweep rows`, async () => {
    const c = await sweep.locator(tid('sweep-row')).evaluateAll((els) => els.map((e) => e.getAttribute('data-class')));
    return c.length >= N_CLASSES && c;
  }, STEP_MS);
  await sweep.locator(tid('sweep-chart')).first().waitFor({ timeout: 15000 });
  sw.mark('sweep rendered');
  await shot(page, '7-sweep', sweep);
  if (classes.length !== N_CLASSES || new Set(classes).size !== N_CLASSES) throw new Error(`sweep rows for classes ${classes}`);
  ok(`sweep panel has one row per class and a chart`, classes.join(','));

  // ---- 8. issue 13: columns, 360 px, sidebar icons, reload ----
  const columns = await page.locator('.editor-group-container').count();
  if (columns > 2) throw new Error(`${columns} editor columns after explain, optimizer, jump and sweep (fault 4)`);
  ok('explain, optimizer, jump and sweep share two editor columns', `${columns}`);

  await runCommand(page, 'View: Close Primary Side Bar');
  await page.setViewportSize({ width: 800, height: 900 });
  const sweepFrame = await webviewFrame(page, EXT.id, tid('sweep-chart'), STEP_MS);
  await waitFor('the sweep panel about 360 px wide', async () => { const l = await layout(sweepFrame, 'body'); return l.width <= 400 && l; }, 15000);
  const chart = await sweepFrame.locator(tid('sweep-chart')).first().boundingBox();
  const sw360 = await layout(sweepFrame, tid('f1-retrained'));
  await shot(page, 'sweep-360', sweepFrame);
  if (!chart || chart.width < 250 || chart.height < 150) throw new Error(`sweep chart ${chart?.width}×${chart?.height} px at ${sw360.width} px: too small to read`);
  ok('sweep chart usable at ~360 px', `panel ${sw360.width} px, chart ${Math.round(chart.width)}×${Math.round(chart.height)} px`);
  await page.locator('.tab', { hasText: 'Influence: test row' }).first().click();
  const narrow = await webviewFrame(page, EXT.id, tid('group-row'), STEP_MS);
  const l360 = await waitFor('explain panel at ~360 px', async () => { const l = await layout(narrow, tid('retrain')); return l.width <= 400 && l.cells > 0 && l; }, 15000);
  await shot(page, 'panel-360', narrow);
  if (l360.scrollWidth > l360.width + 1) throw new Error(`the panel scrolls sideways at ${l360.width} px (content ${l360.scrollWidth} px)`);
  if (l360.cellRight > l360.width + 1) throw new Error(`the Retrained column is cut off at ${l360.width} px (right edge ${l360.cellRight})`);
  ok('explain panel usable at ~360 px', `width ${l360.width}, content ${l360.scrollWidth}, Retrained right edge ${Math.round(l360.cellRight)}`);
  await page.setViewportSize({ width: 1500, height: 900 });

  // A correctly classified row: the sidebar marks only effects that matter relative to its loss.
  const correct = target.correct;
  if (correct) {
    // Click the test.csv tab (focus may be inside a webview, where Quick Open keys do not reach the workbench).
    const tab = page.locator('.tab', { hasText: 'test.csv' }).first();
    if (await tab.count()) {
      await tab.click();
      await page.locator('.editor-group-container.active .tab.active', { hasText: 'test.csv' }).waitFor({ timeout: 20000 });
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    } else await openFile(page, 'test.csv');
    await goToLine(page, correct.testIndex + 2);
    await runCommand(page, 'Influence Lens: Explain Prediction');
    await page.locator('.activitybar [aria-label^="Influence Lens"]').first().click();
    const pane2 = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Harmful Training Groups' }) }).first();
    const rows2 = pane2.locator('.monaco-list-row');
    await waitFor(`the sidebar on test row ${correct.testIndex}`, async () => (await rows2.allInnerTexts()).some((t) => t.includes(`Test row ${correct.testIndex},`)), STEP_MS);
    await waitFor('its groups', async () => {
      const n = await rows2.evaluateAll((els) => els.filter((e) => /ΔL/.test(e.textContent ?? '')).length);
      if (n > 0) return true;
      // Expand the sample's scope if it is collapsed.
      const scope = rows2.filter({ hasText: `Test row ${correct.testIndex},` }).first();
      if ((await scope.getAttribute('aria-expanded')) === 'false') await scope.click();
      return false;
    }, STEP_MS);
    await page.waitForTimeout(1500);
    const items = await rows2.evaluateAll((els) => els.map((e) => ({
      text: (e.textContent ?? '').replace(/\s+/g, ' '), icon: !!e.querySelector('.codicon-warning, .codicon-pass'),
    })));
    await shot(page, 'sidebar-correct');
    const threshold = 0.05 * correct.result.testLoss;
    const groupsShown = items.filter((i) => /ΔL/.test(i.text));
    const wrong = groupsShown.filter((i) => {
      const m = /ΔL (-?[\d.]+(?:e[-+]?\d+)?)/.exec(i.text);
      const v = m ? Math.abs(Number(m[1])) : NaN;
      return i.icon !== (v >= threshold);
    });
    if (wrong.length) throw new Error(`sidebar icons do not follow |ΔL| ≥ ${threshold.toExponential(2)} (5% of loss ${correct.result.testLoss}): ${wrong.slice(0, 3).map((w) => w.text).join(' | ')}`);
    ok(`sidebar on a correctly classified row (${correct.testIndex}, loss ${correct.result.testLoss.toPrecision(3)})`,
      `${groupsShown.filter((i) => i.icon).length} of ${groupsShown.length} groups marked (|ΔL| ≥ ${threshold.toExponential(2)})`);
  }

  // Reload Window: the Explain panel comes back with its explanation (fault 5).
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  // The old workbench's frames can still answer for a moment and then detach: retry until a frame
  // of the reloaded window shows the header.
  let back, title;
  await waitFor('Explain panel after reload', async () => {
    try {
      back = await webviewFrame(page, EXT.id, tid('sample-header'), 10000);
      title = (await back.locator(tid('sample-header')).first().innerText({ timeout: 5000 })).replace(/\s+/g, ' ').trim();
      return true;
    } catch { return false; }
  }, STEP_MS, 1000);
  await shot(page, '9-after-reload', back);
  ok('the Explain panel is restored after Reload Window', title.slice(0, 80));
}

/** Reference answer from the CLI: a misclassified test row (and a correctly classified one). */
async function prepare(h) {
  ({ out: OUT, sw, ok } = h);
  ensureExample();
  const workspace = prepareWorkspace();
  const target = process.env.E2E_TEST_INDEX
    ? { testIndex: Number(process.env.E2E_TEST_INDEX), result: await cliExplain({ cli: CLI, workspace, testIndex: Number(process.env.E2E_TEST_INDEX) }), tried: 1 }
    : await findMisclassified({ cli: CLI, workspace });
  const r = target.result;
  // A correctly classified row for the sidebar check (the first rows of the digits are).
  for (let i = 0; i < 5 && !target.correct; i++) {
    if (i === target.testIndex) continue;
    const res = await cliExplain({ cli: CLI, workspace, testIndex: i });
    if (String(res.predicted) === String(res.label)) target.correct = { testIndex: i, result: res };
  }
  sw.mark(`CLI: test row ${target.testIndex} label ${r.label} predicted ${r.predicted} (${target.tried} CLI run(s))`);
  console.log(`  CLI top harmful: ${r.harmful.slice(0, COMPARE_TOP).map((h) => `${h.index}@${h.line ?? '?'}`).join(' ')}`);
  return { workspace, target };
}

await runScenario({
  name: '',
  prepare,
  scenario: async ({ page, url, target }) => {
    await scenario(page, url, target);
    return { testIndex: target.testIndex };
  },
});
