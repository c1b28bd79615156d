// Issue 11: an image-folder workspace (train/<class>/*.png). The panel gets a thumbnail of each listed
// row's own image file (and of the sample), and a jump opens the image file instead of a line.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { activate, savedConfig, waitFor, wsFile } from './helpers';

const TEST_INDEX = 2;

interface Api {
  explainTestRow(i: number): Promise<unknown>;
  handleWebviewMessage(kind: string, msg: unknown): Promise<unknown>;
  worker: { request(method: string, params?: unknown): Promise<unknown> };
  readonly config?: { open: { trainFile: string } };
}
interface Response { result: { harmful: { index: number; file: string }[]; helpful: { index: number }[] }; rowThumbnails?: Record<number, string>; sampleThumbnail?: string }

/** A w×h image of one grey level, a white first pixel (so a thumbnail of the wrong file or a blank one differs). */
function writePng(file: string, w: number, h: number, grey: number): void {
  const img = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) img.data.set(p === 0 ? [255, 255, 255, 255] : [grey, grey, grey, 255], 4 * p);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(img));
}

/** Grey level of pixel (1, 1) and the size of a PNG data URI. */
function decode(uri: string): { w: number; h: number; grey: number } {
  const png = PNG.sync.read(Buffer.from(uri.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return { w: png.width, h: png.height, grey: png.data[4 * (png.width + 1)] };
}

describe('image folders: thumbnails and jumps to the image', function () {
  this.timeout(600_000);
  let api: Api;
  let cfg: Awaited<ReturnType<typeof savedConfig>>;
  const grey = new Map<string, number>();

  before(async () => {
    api = (await activate()) as unknown as Api;
    cfg = await savedConfig();
    // Class "dark" below 100, "light" above, a few of each crossing over so some rows are harmful.
    for (const [split, n] of [['train', 24], ['test', 6]] as const) {
      for (let i = 0; i < n; i++) {
        const g = 20 + ((i * 37) % 200);
        const cls = (g < 120) !== (i % 7 === 3) ? 'dark' : 'light';
        const file = wsFile(`pictures/${split}/${cls}/${String(i).padStart(2, '0')}.png`).fsPath;
        writePng(file, 6, 6, g);
        grey.set(file, g);
      }
    }
    const c = { train: 'pictures/train', test: 'pictures/test', model: { type: 'linear', l2: 0.01 }, images: { size: [3, 3], channels: 'gray' } };
    await vscode.workspace.fs.writeFile(cfg.uri, Buffer.from(JSON.stringify(c, null, 2)));
    await waitFor('the config to name the image folders', () => api.config?.open.trainFile.endsWith(path.join('pictures', 'train')), 30_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg.restore();
    await waitFor('the config back', () => api.config?.open.trainFile.endsWith('train.csv'), 30_000);
  });

  it('sends a thumbnail of every listed row\'s own image, and of the sample', async () => {
    await api.explainTestRow(TEST_INDEX);
    const r = await api.worker.request('influence/explain', { testIndex: TEST_INDEX, top: 5 }) as Response;
    const rows = [...r.result.harmful, ...r.result.helpful];
    assert.ok(rows.length > 0, 'no rows');
    for (const row of r.result.harmful) {
      const t = r.rowThumbnails?.[row.index];
      assert.ok(t, `no thumbnail for row ${row.index}`);
      const d = decode(t);
      assert.deepStrictEqual([d.w, d.h], [6, 6], 'a small image is not enlarged');
      assert.strictEqual(d.grey, grey.get(row.file), `row ${row.index}'s thumbnail is not ${row.file}`);
    }
    assert.ok(r.sampleThumbnail && decode(r.sampleThumbnail).w === 6, 'no thumbnail of the sample');
  });

  it('a jump opens the row\'s image file', async () => {
    const e = await api.worker.request('influence/explain', { testIndex: TEST_INDEX, top: 5 }) as Response;
    const row = e.result.harmful[0];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const outcome = await api.handleWebviewMessage('explain', { type: 'jump', set: 'train', index: row.index }) as { ok: boolean; view?: string; file?: string };
    assert.deepStrictEqual({ ok: outcome.ok, view: outcome.view, file: outcome.file }, { ok: true, view: 'image', file: row.file });
    await waitFor('the image open in an editor tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
      return input?.uri?.fsPath === row.file;
    }, 30_000);
  });
});
