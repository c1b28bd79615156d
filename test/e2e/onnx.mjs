// UI scenario (issue 11): a workspace whose influence.config.json names an ONNX MLP (test/fixtures/onnx/
// mlp.onnx: 64 → 32 → 16 → softmax over the 8×8 digits) and CSV data. Explain a misclassified test row
// from the editor's context menu; the panel lists the CLI's top harmful rows (`explain --onnx-model …
// --json`, the reference), says the scores are last-layer influence and what was done with the head
// (verified, refitted or kept — the same words as the CLI's notes), and a jump link opens the training row.
// An MLP needs onnxruntime-node, which only the platform package carries (the universal .vsix has no
// native code): this scenario installs targets/influence-lens-<platform>-<arch>.vsix, built here by
// scripts/package-target.mjs when it is missing or older than the universal one (E2E_VSIX overrides).
//   npm run build && npm run package && E2E_ONLY=onnx node scripts/e2e/ui-all.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findMisclassified } from '../../scripts/e2e/cli.mjs';
import { explainViaContextMenu, harmfulRows, openWorkbench, sameTop, textOf } from '../../scripts/e2e/explainRow.mjs';
import {
  CLI, clickCentered, EXT, runScenario, shot, STEP_MS, tid,
} from '../../scripts/e2e/page.mjs';
import {
  EXAMPLE_DIR, REPO, cursorLine, ensureExample, findVsix, prepareWorkspace, waitFor,
} from '../../scripts/e2e/server.mjs';

const COMPARE_TOP = 5;
const HEAD_WORDS = /^(refitted|kept the model's own head|verified)/;

async function prepare({ sw }) {
  ensureExample();
  const workspace = prepareWorkspace({
    source: path.join(path.dirname(EXAMPLE_DIR), 'digits8'),
    config: { train: 'train.csv', test: 'test.csv', labelColumn: 'label', model: { type: 'onnx', path: 'model.onnx' }, imageShape: [8, 8] },
  });
  copyFileSync(path.join(REPO, 'test/fixtures/onnx/mlp.onnx'), path.join(workspace, 'model.onnx'));
  const files = readdirSync(workspace).sort();
  const target = await findMisclassified({ cli: CLI, workspace, extra: ['--onnx-model', path.join(workspace, 'model.onnx')], limit: 300 });
  const notes = target.result.fit.notes ?? [];
  if (!notes.some((n) => n.startsWith('last-layer influence'))) throw new Error(`the CLI's notes do not say last-layer influence: ${JSON.stringify(notes)}`);
  const head = notes.find((n) => HEAD_WORDS.test(n));
  if (!head) throw new Error(`the CLI's notes do not say what was done with the head: ${JSON.stringify(notes)}`);
  sw.mark(`CLI: test row ${target.testIndex} label ${target.result.label} predicted ${target.result.predicted}; ${head.split(':')[0]}`);
  return { workspace, target, head, files };
}

/** Files under `dir` (recursively) in folders named `name`. */
function filesIn(dir, name, depth = 8) {
  if (depth < 0 || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (!e.isDirectory()) return [];
    return e.name === name ? readdirSync(p).map((f) => path.join(p, f)) : filesIn(p, name, depth - 1);
  });
}

async function scenario({ page, url, out, sw, ok, serverDir, workspace, target, head, files }) {
  const { testIndex, result: ref } = target;
  await openWorkbench(page, url);
  sw.mark('workbench ready');
  await explainViaContextMenu(page, 'test.csv', testIndex + 2);
  sw.mark('explain requested');

  const { frame, rows } = await harmfulRows(page, EXT.id, COMPARE_TOP, STEP_MS);
  const want = sameTop(rows, ref, COMPARE_TOP, `test row ${testIndex}`);
  sw.mark('explain panel rendered');
  await shot(out, page, '1-onnx-panel', frame);
  ok(`panel shows the CLI's top ${COMPARE_TOP} harmful rows (--onnx-model) for test row ${testIndex}`, want.join(', '));
  const prediction = await textOf(frame, 'sample-prediction');
  if (prediction !== String(ref.predicted)) throw new Error(`panel's prediction "${prediction}" ≠ CLI's "${ref.predicted}"`);
  ok('panel shows the ONNX model\'s prediction', `label ${ref.label}, predicted ${prediction}`);

  const kind = await textOf(frame, 'source-kind');
  if (!/onnx/.test(kind) || !/last layer/.test(kind)) throw new Error(`source kind "${kind}" does not say ONNX, last layer`);
  const notes = await frame.locator(tid('source-note')).allInnerTexts();
  if (!notes.some((n) => /^last-layer influence/.test(n.trim()))) throw new Error(`panel notes do not say last-layer influence: ${JSON.stringify(notes)}`);
  const headNote = notes.map((n) => n.trim()).find((n) => HEAD_WORDS.test(n));
  if (headNote?.split(':')[0] !== head.split(':')[0]) throw new Error(`panel says "${headNote}" about the head, the CLI "${head}"`);
  ok('panel says last-layer influence and what was done with the head', `${kind}; ${headNote.split(':')[0]}`);
  if (await frame.locator(tid('unavailable')).count()) throw new Error('an ONNX model lists unavailable capabilities');

  const first = ref.harmful[0];
  await clickCentered(frame.locator(`${tid('harmful-row')}[data-index="${first.index}"] ${tid('jump-link')}`).first());
  await page.locator('.editor-group-container.active .tab.active', { hasText: 'train.csv' }).waitFor({ timeout: 15000 });
  await waitFor(`status bar "Ln ${first.line}"`, async () => (await cursorLine(page)) === first.line, 15000);
  await shot(out, page, '2-onnx-jumped');
  ok('jump link opens train.csv at the row', `row ${first.index} → Ln ${first.line}`);
  // The feature cache lives in the extension's storage folder: nothing new beside the model or the data.
  const now = readdirSync(workspace).sort();
  if (JSON.stringify(now) !== JSON.stringify(files)) throw new Error(`the workspace changed: ${files.join(', ')} → ${now.join(', ')}`);
  ok('nothing written into the workspace', now.join(', '));
  const cached = await waitFor('ONNX features in the extension\'s storage folder', () => {
    const f = filesIn(path.join(serverDir, 'user-data'), 'onnx-features').filter((p) => p.endsWith('.features'));
    return f.length > 0 && f;
  }, 15000);
  ok('ONNX features cached in the extension\'s storage folder', cached.map((p) => path.relative(serverDir, p).replace(/[0-9a-f]{64}/g, '…')).join(', '));
  return { testIndex, top: want };
}

/** The platform .vsix (with onnxruntime-node), rebuilt when older than the universal package. */
function platformVsix() {
  const target = `${process.platform}-${process.arch}`;
  const file = path.join(REPO, 'targets', `influence-lens-${target}.vsix`);
  const universal = findVsix();
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(universal).mtimeMs) {
    console.log(`building ${path.relative(REPO, file)} (onnxruntime-node inside) with scripts/package-target.mjs`);
    execFileSync(process.execPath, [path.join(REPO, 'scripts/package-target.mjs'), target], { cwd: REPO, stdio: 'inherit' });
  }
  return file;
}

process.env.E2E_VSIX ??= platformVsix();
await runScenario({ name: 'onnx', prepare, scenario });
