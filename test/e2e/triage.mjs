// UI scenario (issue 12 part A): the Suspect Training Rows view in the PACKAGED extension.
//   1. Find Suspect Training Rows → the view lists the queue; its first row is the CLI's first row
//   2. right-click that row → Relabel… → the quick pick offers the suggested label first → Enter
//   3. influence.edits.json appears in the Explorer with that edit; train.csv is byte-identical
//   4. a before → after row shows the test loss and accuracy before and after, as the CLI's
//      `triage --edits` reports them (retrained), and they differ
//   5. Undo Last Edit → the edits file has no edit in force, the before/after row goes away
// On the 8×8 digits (examples/digits8): the K-fold refits of the 784-pixel digits would take minutes.
// Run: npm run build && npm run package && E2E_ONLY=triage node scripts/e2e/ui-all.mjs
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CLI, runScenario, STEP_MS,
} from '../../scripts/e2e/page.mjs';
import { REPO, prepareWorkspace, runCommand, waitFor } from '../../scripts/e2e/server.mjs';

let OUT;
const shot = (page, name) => page.screenshot({ path: path.join(OUT, `${name}.png`) });

function cli(workspace, extra) {
  const args = [CLI, 'triage', '--train', path.join(workspace, 'train.csv'), '--test', path.join(workspace, 'test.csv'), '--json', ...extra];
  return new Promise((resolve, reject) => execFile(process.execPath, args, { cwd: workspace, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
    if (err) return reject(new Error(`CLI failed: node ${args.join(' ')}\n${stderr}`));
    resolve(JSON.parse(stdout));
  }));
}

/** The figures the view shows: "test loss 0.4120 → 0.4090" and "accuracy 86.7 % → 87.0 %". */
function figures(e) {
  const num = (x) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  return [`test loss ${num(e.before.loss)} → ${num(e.after.loss)}`, `accuracy ${pct(e.before.accuracy)} → ${pct(e.after.accuracy)}`];
}
const FX_ROW = /^test loss \S+ → \S+/;

const text = async (loc) => (await loc.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

async function scenario({ page, url, workspace, ref, ok, sw }) {
  const trainBytes = readFileSync(path.join(workspace, 'train.csv'));
  await page.goto(url, { timeout: 180_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.csv' }).waitFor({ timeout: 60000 });
  sw.mark('workbench ready');
  await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');

  // ---- 1. the queue ----
  await runCommand(page, 'Influence Lens: Find Suspect Training Rows');
  await page.locator('.activitybar [aria-label^="Influence Lens"]').first().click();
  const header = page.locator('.pane-header', { hasText: 'Suspect Training Rows' }).first();
  await header.waitFor({ timeout: 30000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  const pane = page.locator('.pane', { has: header }).first();
  const rows = pane.locator('.monaco-list-row');
  const first = ref.rows[0];
  const firstText = `line ${first.line} · label ${first.label}`;
  await waitFor(`the queue in the view (first row "${firstText}")`, async () => (await text(rows)).some((t) => t.includes('line ')), STEP_MS);
  const listed = (await text(rows)).filter((t) => /^line \d+ · label/.test(t));
  sw.mark('queue listed');
  await shot(page, '1-queue');
  if (!listed[0]?.startsWith(firstText)) throw new Error(`the view's first row is "${listed[0]}", the CLI's is "${firstText}"`);
  ok('Suspect Training Rows lists the queue, first row as the CLI', `${listed.length} rows; "${listed[0]}"`);
  if (!listed[0].includes(`suggest ${first.suggested}`)) throw new Error(`first row does not show the suggested label ${first.suggested}: "${listed[0]}"`);

  // ---- 2. Relabel… from the row's context menu; the suggested label comes first ----
  await rows.filter({ hasText: firstText }).first().click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: 'Relabel…' }).first();
  await item.waitFor({ timeout: 15000 });
  await shot(page, '2-context-menu');
  await item.click();
  const picks = page.locator('.quick-input-list .monaco-list-row');
  await picks.first().waitFor({ timeout: 15000 });
  const offered = await text(picks);
  await shot(page, '3-relabel-pick');
  if (!offered[0]?.startsWith(String(first.suggested)) || !offered[0].includes('suggested')) throw new Error(`the relabel pick starts with "${offered[0]}", want the suggested ${first.suggested}`);
  ok('Relabel offers the suggested label first', offered.slice(0, 3).join(' | '));
  await page.keyboard.press('Enter');

  // ---- 3. influence.edits.json appears; the data file is untouched ----
  await runCommand(page, 'View: Show Explorer');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'influence.edits.json' }).waitFor({ timeout: STEP_MS });
  await shot(page, '3b-explorer');
  const editsPath = path.join(workspace, 'influence.edits.json');
  const doc = JSON.parse(readFileSync(editsPath, 'utf8'));
  const e = doc.edits?.[0];
  if (doc.version !== 1 || doc.edits.length !== 1 || e.action !== 'relabel' || e.line !== first.line || e.from !== String(first.label) || e.to !== String(first.suggested)) {
    throw new Error(`influence.edits.json holds ${JSON.stringify(doc)}`);
  }
  if (!readFileSync(path.join(workspace, 'train.csv')).equals(trainBytes)) throw new Error('train.csv changed');
  sw.mark('edits file written');
  ok('influence.edits.json appears in the Explorer with the edit; train.csv byte-identical', `${e.action} line ${e.line}: ${e.from} → ${e.to}`);

  // ---- 4. the before/after figures, as the CLI reports them for that edits file ----
  await page.locator('.activitybar [aria-label^="Influence Lens"]').first().click();
  const cliFx = (await cli(workspace, ['--edits', editsPath, '--top', '1'])).edits;
  const want = figures(cliFx);
  const shown = await waitFor('the before/after row', async () => (await text(rows)).find((t) => FX_ROW.test(t)), STEP_MS);
  sw.mark('before/after shown');
  await shot(page, '4-before-after');
  if (!want.every((w) => shown.includes(w))) throw new Error(`the view shows "${shown}", the CLI's figures are "${want.join('", "')}"`);
  if (cliFx.before.loss === cliFx.after.loss) throw new Error('the relabel did not change the test loss');
  ok('the before/after figures change, as the CLI reports them (retrained)', shown);

  // ---- 5. Undo ----
  await runCommand(page, 'Influence Lens: Undo Last Edit');
  await waitFor('no edit in force in influence.edits.json', () => JSON.parse(readFileSync(editsPath, 'utf8')).edits.length === 0, STEP_MS);
  await waitFor('the before/after row to go away', async () => !(await text(rows)).some((t) => FX_ROW.test(t)), STEP_MS);
  // The queue recomputed on the original data lists the CLI's first row again.
  const after = await waitFor(`the queue to start with "${firstText}" again`, async () => {
    const t = (await text(rows)).filter((x) => /^line \d+ · label/.test(x));
    return t[0]?.startsWith(firstText) && t;
  }, STEP_MS);
  await shot(page, '5-undone');
  if (!readFileSync(path.join(workspace, 'train.csv')).equals(trainBytes)) throw new Error('train.csv changed');
  ok('Undo takes the edit back: no edit in force, no before/after row, the queue as before', `first row "${after[0]}"`);
  return { relabel: e, figures: shown };
}

async function prepare(h) {
  ({ out: OUT } = h);
  const workspace = prepareWorkspace({
    source: path.join(REPO, 'examples/digits8'),
    config: { train: 'train.csv', test: 'test.csv', labelColumn: 'label', model: { type: 'linear', l2: 0.001 } },
  });
  const ref = await cli(workspace, ['--top', '5']);
  if (ref.rows[0].suggested === null) throw new Error('the CLI\'s first row has no suggested label; the scenario needs one');
  h.sw.mark(`CLI: first suspect line ${ref.rows[0].line} label ${ref.rows[0].label} → ${ref.rows[0].suggested}`);
  return { workspace, ref };
}

await runScenario({ name: 'triage', prepare, scenario: async (args) => scenario({ ...args }) });
