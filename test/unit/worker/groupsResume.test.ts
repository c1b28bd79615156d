/**
 * A resumed group stream (`influence/groups` with `known`): the groups a stopped stream estimated are kept
 * as given and not estimated again, the rest are announced with their place in the whole stream, and the
 * final ranking is the one an uninterrupted stream gives. A known group that is no longer a candidate is dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerService } from '../../../src/worker/service';
import { digitsCsv } from '../../../src/tools/digitsExample';
import type { GroupEstimatedParams, GroupResult } from '../../../src/protocol';

test('a resumed stream estimates only what the stopped one had not, and ranks like an uninterrupted one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'il-resume-'));
  try {
    const train = path.join(dir, 'train.csv'), testFile = path.join(dir, 'test.csv');
    writeFileSync(train, digitsCsv('digits8', 'train'));
    writeFileSync(testFile, digitsCsv('digits8', 'test'));
    const seen: GroupEstimatedParams[] = [];
    const service = new WorkerService((method, params) => { if (method === 'influence/groupEstimated') seen.push(params as GroupEstimatedParams); });
    await service.handle('influence/open', { trainFile: train, testFile, labelColumn: 'label' });
    const whole = await service.handle('influence/groups', { testIndex: 3, limit: 8, streamId: 'whole' });
    const first = seen.filter((p) => p.streamId === 'whole');
    assert.ok(first.length >= 6, `enough candidates to stop part-way: ${first.length}`);

    // As if stopped after three estimates; plus a group that is not a candidate (a stale name).
    const known: GroupResult[] = [...first.slice(0, 3).map((p) => p.group), { ...first[0].group, name: 'no such group' }];
    const resumed = await service.handle('influence/groups', { testIndex: 3, limit: 8, streamId: 'resumed', known });
    const again = seen.filter((p) => p.streamId === 'resumed');
    assert.equal(again.length, first.length - 3, 'only the groups not yet estimated are estimated');
    assert.deepEqual(again.map((p) => p.index), again.map((_, i) => i + 3), 'announced at their place in the whole stream');
    assert.ok(again.every((p) => p.total === first[0].total));
    assert.ok(!again.some((p) => first.slice(0, 3).some((k) => k.group.name === p.group.name)));
    assert.deepEqual(resumed.groups.map((g) => g.name), whole.groups.map((g) => g.name), 'the same ranking');
    for (let i = 0; i < whole.groups.length; i++) {
      assert.ok(Math.abs(resumed.groups[i].effect - whole.groups[i].effect) <= 1e-12 * Math.abs(whole.groups[i].effect), whole.groups[i].name);
    }
    assert.ok(!resumed.groups.some((g) => g.name === 'no such group'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
