import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEffect, describeRowEffect, formatPair, SIGN_CONVENTION } from '../../../src/engine/readable';

test('a group effect on one sample reads as loss, prediction and source', () => {
  assert.equal(
    describeEffect({ rows: 67, subject: { kind: 'sample' }, lossBefore: 1.0104, lossAfter: 2.2961, source: 'retrained', predictedBefore: '6', predictedAfter: '2', probabilityBefore: 0.7, probabilityAfter: 0.5812 }),
    "Removing these 67 rows would raise this sample's loss from 1.01 to 2.30 and change the prediction from 6 to 2 at probability 0.58 (retrained).",
  );
  assert.equal(
    describeEffect({ rows: 1, subject: { kind: 'sample' }, lossBefore: 0.5, lossAfter: 0.4, source: 'Newton step', predictedBefore: 'cat', predictedAfter: 'cat', probabilityBefore: 0.61, probabilityAfter: 0.67 }),
    "Removing this row would lower this sample's loss from 0.50 to 0.40 and keep the prediction cat, its probability rising from 0.61 to 0.67 (Newton-step estimate).",
  );
});

test('a set effect reads as mean loss and accuracy', () => {
  assert.equal(
    describeEffect({ rows: 12, subject: { kind: 'set', size: 30 }, lossBefore: 0.7587, lossAfter: 0.7581, source: 'first order', accuracyBefore: 0.8, accuracyAfter: 0.8 }),
    'Removing these 12 rows would lower the mean loss over these 30 test rows from 0.759 to 0.758 and leave their accuracy at 80.0 % (first-order estimate).',
  );
});

test('numbers get just enough digits to differ, scientific outside [1e-3, 1e4)', () => {
  assert.deepEqual(formatPair(1.0102, 1.0105), ['1.0102', '1.0105']);
  assert.deepEqual(formatPair(1.01, 2.3), ['1.01', '2.30']);
  assert.deepEqual(formatPair(2e-5, 3e-5), ['2.00e-5', '3.00e-5']);
  assert.deepEqual(formatPair(0.5, 0.5), ['0.50', '0.50']);
  // A small loss keeps two significant digits instead of reading as zero.
  assert.deepEqual(formatPair(0.002, 0.71), ['0.0020', '0.71']);
  assert.deepEqual(formatPair(0.0523, 0.0525), ['0.0523', '0.0525']);
});

test('row effects and the sign convention say which way is harmful', () => {
  assert.equal(describeRowEffect(12, 14, -0.00312), "Removing row 12 (line 14) alone would lower this sample's loss by 0.0031 (first-order estimate) — it was harmful.");
  assert.equal(describeRowEffect(3, 5, 2.5e-5, { kind: 'set', size: 9 }), 'Removing row 3 (line 5) alone would raise the mean loss over these 9 test rows by 2.5e-5 (first-order estimate) — it helped.');
  assert.match(SIGN_CONVENTION, /Negative means the rows were harmful/);
});
