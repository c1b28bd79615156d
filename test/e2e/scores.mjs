// UI scenario (issue 11): a workspace whose influence.config.json names a Kronfluence score file
// (influence_results/…/pairwise_scores.safetensors, tensor all_modules, [n_test, n_train] float32,
// helpful-positive) instead of a model. The file is written here: one test row holds n × our own linear
// engine's removal effects for that row (what exact influence of the same model gives in Kronfluence's
// units), the other rows a deterministic background. Explain that row from the context menu; the panel
// lists the CLI's top harmful rows with `--scores` (which are our own engine's), says where the scores
// came from and that their scale is as given, and which columns and actions are unavailable.
//   npm run build && npm run package && E2E_ONLY=scores node scripts/e2e/ui-all.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliExplain } from '../../scripts/e2e/cli.mjs';
import { explainViaContextMenu, harmfulRows, openWorkbench, sameTop, textOf } from '../../scripts/e2e/explainRow.mjs';
import {
  CLI, clickCentered, EXT, runScenario, shot, STEP_MS, tid,
} from '../../scripts/e2e/page.mjs';
import { EXAMPLE_DIR, cursorLine, ensureExample, prepareWorkspace, waitFor } from '../../scripts/e2e/server.mjs';

const COMPARE_TOP = 5;
const TEST_INDEX = 11;
const SCORES = 'influence_results/digits/scores_ekfac/pairwise_scores.safetensors';

/** A safetensors file with one F32 tensor (8-byte little-endian header length, JSON header, raw data). */
function writeSafetensors(file, name, rows, cols, values) {
  const header = Buffer.from(JSON.stringify({ [name]: { dtype: 'F32', shape: [rows, cols], data_offsets: [0, values.byteLength] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([len, header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]));
}

async function prepare({ sw }) {
  ensureExample();
  const workspace = prepareWorkspace({
    source: path.join(path.dirname(EXAMPLE_DIR), 'digits8'),
    config: { train: 'train.csv', test: 'test.csv', labelColumn: 'label', scores: { path: SCORES }, imageShape: [8, 8] },
  });
  const own = await cliExplain({ cli: CLI, workspace, testIndex: TEST_INDEX });
  const nTrain = own.scores.length;
  const nTest = readFileSync(path.join(workspace, 'test.csv'), 'utf8').trim().split('\n').length - 1;
  const values = new Float32Array(nTest * nTrain);
  for (let k = 0; k < values.length; k++) values[k] = (((k * 7919) % 1000) / 1000 - 0.5) * 1e-3;
  own.scores.forEach((s, i) => { values[TEST_INDEX * nTrain + i] = nTrain * s; }); // helpful-positive, not divided by n
  writeSafetensors(path.join(workspace, SCORES), 'all_modules', nTest, nTrain, values);
  const ref = await cliExplain({ cli: CLI, workspace, testIndex: TEST_INDEX, extra: ['--scores', path.join(workspace, SCORES)] });
  sameTop(ref.harmful.map((r) => r.index), own, COMPARE_TOP, 'CLI --scores vs our own linear engine');
  sw.mark(`CLI: test row ${TEST_INDEX}, --scores top harmful ${ref.harmful.slice(0, COMPARE_TOP).map((r) => r.index).join(' ')} (= our own engine's)`);
  return { workspace, ref, own };
}

async function scenario({ page, url, out, sw, ok, ref, own }) {
  await openWorkbench(page, url);
  sw.mark('workbench ready');
  await explainViaContextMenu(page, 'test.csv', TEST_INDEX + 2);
  sw.mark('explain requested');

  const { frame, rows } = await harmfulRows(page, EXT.id, COMPARE_TOP, STEP_MS);
  const want = sameTop(rows, ref, COMPARE_TOP, `test row ${TEST_INDEX}`);
  sw.mark('explain panel rendered');
  await shot(out, page, '1-scores-panel', frame);
  ok(`panel shows the CLI's top ${COMPARE_TOP} harmful rows (--scores) for test row ${TEST_INDEX}`, `${want.join(', ')}, the same as our own linear engine's`);
  const first = (await frame.locator(`${tid('harmful-row')} td.num`).nth(1).innerText()).trim();
  const wantFirst = ref.harmful[0].score;
  if (Math.abs(Number(first) - wantFirst) > 1e-3 * Math.abs(wantFirst) + 1e-4) throw new Error(`panel's first score ${first} ≠ CLI's ${wantFirst}`);
  ok('scores shown as given (n × our removal effect)', `${first} vs our own ${own.harmful[0].score.toExponential(3)}`);

  // No model: no prediction, test loss or class probabilities to draw.
  if (await frame.locator(tid('probabilities')).count() || await frame.locator(tid('sample-prediction')).count()) {
    throw new Error('the panel shows a prediction or class probabilities for imported scores');
  }
  const kind = await textOf(frame, 'source-kind');
  const notes = (await frame.locator(tid('source-note')).allInnerTexts()).join(' ');
  if (!/kronfluence/i.test(kind)) throw new Error(`source kind "${kind}" does not name Kronfluence`);
  if (!notes.includes('pairwise_scores.safetensors') || !/scale as given/.test(notes)) throw new Error(`panel notes do not say where the scores came from and their scale: "${notes}"`);
  ok('panel says where the scores came from and their scale', `${kind}; ${notes.slice(0, 160)}`);

  const unavailable = await textOf(frame, 'unavailable');
  for (const what of ['second-order group influence', 'retraining', 'Newton']) {
    if (!unavailable.includes(what)) throw new Error(`the unavailable notice does not name ${what}: "${unavailable}"`);
  }
  ok('panel states what is unavailable and why', unavailable.slice(0, 200));
  const groupRows = frame.locator(tid('group-row'));
  await waitFor('group rows in the panel', async () => (await groupRows.count()) > 0, STEP_MS);
  const cells = await groupRows.evaluateAll((els) => els.map((e) => ['first-order', 'second-order', 'retrain'].map((id) => e.querySelector(`[data-testid="${id}"]`)?.textContent?.trim())));
  if (cells.some(([f, s, r]) => f === '—' || s !== '—' || r !== '—')) throw new Error(`groups: first order must be shown, second order and retrained "—": ${JSON.stringify(cells.slice(0, 3))}`);
  ok('groups: first order only, second order and retrained shown as unavailable', `${cells.length} groups`);
  await shot(out, page, '2-scores-groups', frame);

  const top = ref.harmful[0];
  await clickCentered(frame.locator(`${tid('harmful-row')}[data-index="${top.index}"] ${tid('jump-link')}`).first());
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'train.csv' }).waitFor({ timeout: 15000 });
  await waitFor(`status bar "Ln ${top.line}"`, async () => (await cursorLine(page)) === top.line, 15000);
  ok('jump link opens train.csv at the row', `row ${top.index} → Ln ${top.line}`);
  return { testIndex: TEST_INDEX, top: want };
}

await runScenario({ name: 'scores', prepare, scenario });
