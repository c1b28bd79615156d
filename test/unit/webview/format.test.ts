// Pure helpers of the webviews: picture scaling, estimate-vs-retrained flags, plurals (issue 13).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { estimateGap, grey, pictureScale, plural } from '../../../webview/format';

describe('picture scale (thumbnails of standardised data)', () => {
  test('one extreme pixel does not blacken the row: the 99th percentile caps it', () => {
    // A standardised "1": background ≈ -0.3, stroke ≈ 1.5, one rare pixel at 51.9.
    const row: number[] = Array.from({ length: 64 }, (_, i) => (i % 8 === 3 ? 1.5 : -0.3));
    row[16] = 51.9;
    const own = { lo: Math.min(...row), hi: Math.max(...row) };
    assert.ok(grey(1.5, own) < 10, 'scaled by its own min/max the stroke is nearly black (the fault)');
    const s = pictureScale([row]);
    assert.equal(grey(1.5, s), 255, 'the stroke is white on the robust scale');
    assert.equal(grey(-0.3, s), 0);
    assert.equal(grey(51.9, s), 255, 'the outlier is clipped, not the scale');
  });

  test('shared by all rows: the same value is the same grey in every row', () => {
    const a = [0, 1, 2, 3], b = [0, 10, 20, 30];
    const s = pictureScale([a, b]);
    assert.equal(grey(3, s), grey(3, s));
    assert.ok(grey(3, s) < grey(30, s), 'a faint row stays faint next to a strong one');
  });

  test('constant input gets a usable scale', () => {
    const s = pictureScale([[2, 2, 2]]);
    assert.ok(s.hi > s.lo);
    assert.deepEqual(pictureScale([]), { lo: 0, hi: 1 });
  });
});

describe('estimate vs retrained', () => {
  test('a sign flip is flagged (class 5: -0.050 estimated, +0.031 retrained)', () => {
    const g = estimateGap(-0.050, 0.031);
    assert.ok(g.flagged);
    assert.match(g.why, /opposite sign.*trust the retrained/);
  });
  test('off by more than the factor is flagged (class 8: -1.36 vs -4.47)', () => {
    const g = estimateGap(-1.36, -4.47);
    assert.ok(g.flagged);
    assert.match(g.why, /×3\.3/);
  });
  test('close values, missing retrain and noise are not flagged', () => {
    assert.equal(estimateGap(-1.0, -1.4).flagged, false);
    assert.equal(estimateGap(-1.0, undefined).flagged, false);
    assert.equal(estimateGap(1e-12, -1e-12).flagged, false);
  });
});

test('plural', () => {
  assert.equal(plural(1, 'row'), '1 row');
  assert.equal(plural(3, 'row'), '3 rows');
  assert.equal(plural(0, 'row'), '0 rows');
});
