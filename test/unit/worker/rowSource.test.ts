import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { InputError } from '../../../src/engine/data/dataset';
import { loadImageFolder } from '../../../src/engine/data/images';
import { parseDataset } from '../../../src/engine/data/load';
import { loadParquet } from '../../../src/engine/data/parquet';
import { rowSource } from '../../../src/worker/rowSource';
import { tempDir } from '../data/helpers';

describe('worker rowSource: where a row lives for a jump', () => {
  const dir = tempDir('il-rowsource-');

  it('a Parquet row is a read-only view of that row (marked) and its neighbours, by row number', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const n = 30;
    const file = path.join(dir, 'rows.parquet');
    fs.writeFileSync(file, Buffer.from(parquetWriteBuffer({
      columnData: [
        { name: 'x', data: Array.from({ length: n }, (_, i) => 100 + i), type: 'INT32' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => (i % 2 ? 'odd' : 'even')), type: 'STRING' },
      ] as never,
      rowGroupSize: 7,
    })));
    const data = await loadParquet(file);
    const r = await rowSource(data, { set: 'train', index: 9, context: 2 });
    assert.equal(r.kind, 'parquet');
    if (r.kind !== 'parquet') return;
    assert.equal(r.row, 10);
    const lines = r.text.split('\n');
    const marked = lines.filter((l) => l.startsWith('▶'));
    assert.deepEqual(marked.map((l) => l.split(/\s+/).slice(1, 3)), [['10', '109']]);
    const shown = lines.map((l) => /^(?:▶)?\s*(\d+)\s+(\d+)\s/.exec(l)).filter(Boolean).map((m) => [Number(m![1]), Number(m![2])]);
    assert.deepEqual(shown, [[8, 107], [9, 108], [10, 109], [11, 110], [12, 111]]);
    await assert.rejects(rowSource(data, { set: 'train', index: n }), (e: unknown) => e instanceof InputError && /train row 30 does not exist/.test(e.message));
  });

  it('an image-folder row is its image file; a CSV row is its line', async () => {
    for (const [cls, name] of [['cat', 'a.png'], ['cat', 'b.png'], ['dog', 'c.png']]) {
      const img = new PNG({ width: 2, height: 2 });
      img.data.fill(name === 'b.png' ? 200 : 30);
      fs.mkdirSync(path.join(dir, 'img', cls), { recursive: true });
      fs.writeFileSync(path.join(dir, 'img', cls, name), PNG.sync.write(img));
    }
    const images = loadImageFolder(path.join(dir, 'img'));
    assert.deepEqual(await rowSource(images, { set: 'train', index: 1 }), { kind: 'image', file: path.join(dir, 'img', 'cat', 'b.png') });
    const csv = parseDataset('a,label\n1,x\n\n2,y\n3,x\n', path.join(dir, 't.csv'));
    assert.deepEqual(await rowSource(csv, { set: 'test', index: 1 }), { kind: 'line', file: path.join(dir, 't.csv'), line: 4 });
  });
});
