// The user's steps shared by the bring-your-own UI scenarios (test/e2e/onnx.mjs, scores.mjs): open the
// workbench, open test.csv at a row, right-click → Explain Prediction, read the panel's rows, follow a jump.
import { goToLine, tid } from './page.mjs';
import { cursorLine, openFile, runCommand, waitFor, webviewFrame } from './server.mjs';

/** The workbench with `file` listed in the explorer; notification toasts silenced (they cover buttons). */
export async function openWorkbench(page, url, file = 'test.csv') {
  await page.goto(url, { timeout: 180_000 }); // a loaded machine serves the workbench slowly
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor({ timeout: 60000 });
  await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
}

/** Opens `file` with the cursor on 1-based `line` and picks Explain Prediction from the editor's context menu. */
export async function explainViaContextMenu(page, file, line) {
  await openFile(page, file);
  await goToLine(page, line);
  // Right-click exactly on the cursor: a right-click elsewhere would move it to another row.
  const cursor = page.locator('.editor-group-container.active .monaco-editor .cursors-layer .cursor').first();
  const box = await waitFor('cursor element', () => cursor.boundingBox(), 10000);
  await page.mouse.click(box.x + 1, box.y + box.height / 2, { button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Explain Prediction' }).first();
  await item.waitFor({ timeout: 10000 });
  if ((await cursorLine(page)) !== line) throw new Error(`right-click moved the cursor off line ${line}`);
  // A click while the menu is still opening can be swallowed (the menu stays up): click until it closes.
  const menu = page.locator('.context-view .monaco-menu').first();
  await waitFor('the context menu to take the click', async () => {
    if (await item.isVisible().catch(() => false)) await item.click({ timeout: 2000 }).catch(() => {});
    return menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false);
  }, 20000, 250);
}

/** The Explain panel's frame once it lists at least `min` harmful rows, and their indices in order. */
export async function harmfulRows(page, extId, min, timeout) {
  const frame = await webviewFrame(page, extId, tid('harmful-row'), timeout);
  const rows = await waitFor('the panel to list harmful rows', async () => {
    const idx = (await frame.locator(tid('harmful-row')).evaluateAll((els) => els.map((e) => e.getAttribute('data-index')))).map(Number);
    return idx.length >= min && idx;
  }, 30000);
  return { frame, rows };
}

/** Text of the first element with data-testid `id` in `frame`, whitespace collapsed ('' when absent). */
export async function textOf(frame, id) {
  const el = frame.locator(tid(id)).first();
  if (!(await el.count())) return '';
  return (await el.innerText()).replace(/\s+/g, ' ').trim();
}

/** A first-order check that the panel's top rows are the CLI's, in order. */
export function sameTop(got, ref, n, what) {
  const want = ref.harmful.slice(0, n).map((r) => r.index);
  if (JSON.stringify(got.slice(0, n)) !== JSON.stringify(want)) throw new Error(`${what}: panel's top harmful rows ${got.slice(0, n)} ≠ CLI's ${want}`);
  return want;
}
