/**
 * The CLI's help and messages: per-command --help from the option declarations, switches from one list,
 * and the sentences a new user gets for the mistakes they make.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, Flags } from '../../../src/cli/args';
import { commandHelp, switchesOf, SESSION_OPTIONS } from '../../../src/cli/options';
import { backendNote, fitWarning } from '../../../src/cli/common';
import { fewerRowsNote } from '../../../src/cli/commands/sweep';
import { commands, globalHelp } from '../../../src/cli';
import { BACKEND_CHAIN } from '../../../src/engine/neural/backends';
import { SAMPLER_NAMES as SAMPLERS } from '../../../src/engine/samplers';
import { InputError } from '../../../src/engine/data/dataset';
import { userGroups } from '../../../src/engine/groups/generators';
import type { SweepResult } from '../../../src/engine/results';
import { rng, gauss } from '../../helpers/synthetic';
import { cli } from '../../helpers/cli';

const root = path.resolve(__dirname, '../../..');
let dir: string, train: string, test_: string;


before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'il-help-'));
  const r = rng(7);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return [['cat', 'dog', 'emu'][c], ...[0, 1, 2].map((j) => (j === c ? 2 : 0) + gauss(r)).map((x) => x.toFixed(4))].join(',');
  });
  train = path.join(dir, 'train.csv');
  test_ = path.join(dir, 'test.csv');
  writeFileSync(train, ['kind,a,b,c', ...rows(60)].join('\n') + '\n');
  writeFileSync(test_, ['kind,a,b,c', ...rows(9)].join('\n') + '\n');
});

test('every command has --help listing each of its options with its default or "required"', () => {
  for (const [name, c] of Object.entries(commands)) {
    assert.ok(c.spec, `${name} declares its options`);
    const help = commandHelp(c.spec!);
    assert.match(help, new RegExp(`^usage: influence-lens ${name}`));
    for (const o of c.spec!.options) {
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${o.name} `) || l.trim() === `--${o.name}`);
      assert.ok(line !== undefined, `${name} --help lists --${o.name}`);
      // The default is on the option's line or the wrapped lines under it.
      const from = help.indexOf(line!);
      const block = help.slice(from, help.indexOf('\n  --', from + 1) > 0 ? help.indexOf('\n  --', from + 1) : undefined);
      if (o.required) assert.match(block, /required/, `--${o.name}`);
      else if (o.default !== undefined || o.defaultText) assert.match(block, /default/, `--${o.name}`);
      for (const choice of o.choices ?? []) assert.ok(block.includes(choice), `--${o.name} lists ${choice}`);
    }
  }
});

test('`<command> --help` prints that help and exits 0; the global help lists data formats and exit codes', () => {
  const r = cli('sweep', '--help');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), commandHelp(commands.sweep.spec!).trim());
  const g = cli('--help');
  assert.equal(g.code, 0);
  assert.equal(g.out.trim(), globalHelp().trim());
  for (const want of ['CSV', 'JSONL', 'groups', '0-based', 'exit codes', '130']) assert.ok(g.out.includes(want), want);
  for (const name of Object.keys(commands)) assert.ok(g.out.includes(name), name);
  for (const code of ['0', '1', '2']) assert.match(g.out, new RegExp(`^  ${code} `, 'm'));
});

test('option choices come from the engine: backends in chain order, every sampler', () => {
  const backend = SESSION_OPTIONS.find((o) => o.name === 'backend')!;
  assert.deepEqual(backend.choices, ['auto', ...BACKEND_CHAIN]);
  assert.ok(BACKEND_CHAIN.indexOf('webgpu') > BACKEND_CHAIN.indexOf('tensorflow-gpu') && BACKEND_CHAIN.indexOf('webgpu') < BACKEND_CHAIN.indexOf('wasm'));
  assert.deepEqual(commands.sweep.spec!.options.find((o) => o.name === 'sampler')!.choices, SAMPLERS);
  // The extension's setting offers the same backends.
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.configuration.properties['influenceLens.backend'].enum, ['auto', ...BACKEND_CHAIN]);
});

test('switches come from the declarations: --mlp takes no value and does not swallow the next option', () => {
  const sw = switchesOf(commands.demo.spec!.options);
  assert.ok(sw.has('mlp') && sw.has('json'));
  const a = parseArgs(['demo', '--mlp', '--json'], sw);
  assert.equal(a.flags.get('mlp'), true);
  assert.equal(a.flags.get('json'), true);
  assert.throws(() => parseArgs(['demo', '--mlp=yes'], sw), /--mlp is a switch and takes no value/);
  const known = new Set(SESSION_OPTIONS.map((o) => o.name));
  assert.throws(() => parseArgs(['explain', '--label', '--json'], switchesOf(SESSION_OPTIONS), known), /--label needs a value, but the next argument is the option --json/);
  // A negative number is a value, not an option.
  assert.equal(parseArgs(['explain', '--l2', '-1'], switchesOf(SESSION_OPTIONS), known).flags.get('l2'), '-1');
});

test('Flags take defaults from the declarations and name the option in errors', () => {
  const spec = commands.sweep.spec!;
  const f = new Flags(parseArgs(['sweep'], switchesOf(spec.options)), spec.options);
  assert.equal(f.int('m'), 512);
  assert.equal(f.oneOf('sampler', SAMPLERS), 'random');
  const g = new Flags(parseArgs(['sweep', '--m', 'lots'], switchesOf(spec.options)), spec.options);
  assert.throws(() => g.int('m'), /--m must be a number, got 'lots'/);
  assert.throws(() => new Flags(parseArgs(['sweep', '--mm', '3'], new Set()), spec.options), /unknown option --mm for 'sweep'.*sweep --help/);
});

test('--l2 0 on a 3-class problem exits 2 with a sentence, not a stack trace', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--label', 'kind', '--test-index', '0', '--l2', '0');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^error: l2 = 0 leaves the softmax model \(3 classes\) without a unique optimum.*positive l2/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

test('a missing label column on the CLI names --label, not the extension setting', () => {
  const r = cli('explain', '--train', train, '--test', test_, '--test-index', '0');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /no label column "label"/);
  assert.match(r.err, /--label/);
  assert.doesNotMatch(r.err, /labelColumn/);
  assert.ok(r.err.includes(`${train}:1`), 'names file and line');
});

test('the training warning is only for a fit that ran: saved weights get none', () => {
  assert.equal(fitWarning({ converged: false, iterations: 0, gradNorm: 3e-4 }), undefined);
  assert.equal(fitWarning({ converged: true, iterations: 12, gradNorm: 1e-12 }), undefined);
  assert.match(fitWarning({ converged: false, iterations: 50, gradNorm: 3e-4 })!, /training stopped at ‖∇L‖ = 3\.00e-4/);
});

test('sweep says when a class leaves fewer rows than m', () => {
  const res = (removed: number[]): SweepResult => ({
    sampler: 'random', m: 0, seeds: 1, timings: {},
    classes: removed.map((k, c) => ({ classIndex: c, label: `c${c}`, removed: k, before: { aSelf: 1, aRest: 1, f1: 0 }, oneStep: { aSelf: 1, aRest: 1, f1: 0 } })),
  });
  assert.equal(fewerRowsNote(res([100, 100, 100]), 300, 200), undefined);
  assert.equal(fewerRowsNote(res([150, 50, 100]), 300, 200), 'm = 200 is more than the training rows left after removing class c0 (150): that step uses all remaining rows');
  assert.match(fewerRowsNote(res([150, 120]), 300, 200)!, /classes c0 \(150\), c1 \(180\): those steps use/);
  assert.equal(fewerRowsNote({ ...res([150]), sampler: 'full' }, 300, 200), undefined);
  const r = cli('sweep', '--train', train, '--test', test_, '--label', 'kind', '--m', '200', '--json');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /note: m = 200 is more than the training rows left after removing classes cat \(40\), dog \(40\), emu \(40\)/);
  assert.equal(JSON.parse(r.out).notes.length, 1);
});

test('the sample groups file in docs/ is valid, with 0-based indices', () => {
  const file = path.join(root, 'docs', 'groups.sample.json');
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const specs = userGroups(raw, 1000, file);
  assert.ok(specs.length >= 2);
  assert.ok(specs.some((g) => g.members.includes(0)), 'index 0 (the first data row) is allowed');
  assert.throws(() => userGroups([{ name: 'x', members: [1000] }], 1000, file), (e: Error) => /1000/.test(e.message));
  void InputError;
});

test('a backend asked for by name that does not load is reported with the reasons; auto stays quiet', () => {
  const tried = [{ name: 'webgpu', ok: false, error: 'libvulkan.so.1 is not installed' }, { name: 'wasm', ok: true }];
  assert.equal(backendNote('webgpu', { backend: 'wasm', tried }), 'TensorFlow.js backend webgpu is not available, using wasm: webgpu: libvulkan.so.1 is not installed');
  assert.equal(backendNote('auto', { backend: 'wasm', tried }), undefined);
  assert.equal(backendNote('wasm', { backend: 'wasm', tried: [{ name: 'wasm', ok: true }] }), undefined);
});
