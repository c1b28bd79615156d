/**
 * Lists that users see are derived from, or checked against, the registries: the config schema's model
 * types and their properties, the default λ in the schema, the backend setting's enum in package.json.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, SETTING_CHOICES, SOURCES, SOURCE_NAMES } from '../../../src/engine/analyzer/index';
import { SAMPLERS, SAMPLER_NAMES, getSampler } from '../../../src/engine/samplers/index';
import { SOLVERS, SOLVER_NAMES } from '../../../src/engine/solvers/registry';
import { GENERATOR_NAMES } from '../../../src/engine/groups/registry';
import { BACKEND_PREFERENCES } from '../../../src/engine/neural/backends';
import { SUPPORTED_EXTENSIONS } from '../../../src/engine/data/load';
import { DATA_EXTENSIONS } from '../../../src/extension/config';
import { DEFAULT_CONFIG_L2, MODEL_TYPES } from '../../../src/protocol';

const root = path.resolve(__dirname, '../../..');
const json = (rel: string) => JSON.parse(readFileSync(path.join(root, rel), 'utf8'));

interface Branch { properties: Record<string, { const?: string; default?: unknown }>; required?: string[] }

describe('registries and the lists users see', () => {
  const schema = json('media/influence.config.schema.json');
  const branches: Branch[] = schema.properties.model.oneOf;

  test('the schema offers exactly the registered model sources, each with its own properties', () => {
    // The 'scores' source is configured by its own top-level block ("scores": {...}), every other by "model".
    const modelSources = SOURCE_NAMES.filter((n) => n !== 'scores');
    assert.deepEqual([...MODEL_TYPES].sort(), [...modelSources].sort(), 'the config checker\'s model types');
    assert.deepEqual(branches.map((b) => b.properties.type.const).sort(), [...modelSources].sort());
    assert.deepEqual(Object.keys(schema.properties.scores.properties).sort(), [...SOURCES.scores.configKeys].sort());
    for (const b of branches) {
      const name = b.properties.type.const as keyof typeof SOURCES;
      assert.deepEqual(Object.keys(b.properties).filter((k) => k !== 'type').sort(), [...SOURCES[name].configKeys].sort(), name);
    }
  });

  test('the schema\'s default λ is the analyzer\'s', () => {
    assert.equal(schema.properties.model.default.l2, DEFAULT_SETTINGS.l2);
    const linear = branches.find((b) => b.properties.type.const === 'linear')!;
    assert.equal(linear.properties.l2.default, DEFAULT_SETTINGS.l2);
    assert.equal(DEFAULT_CONFIG_L2, DEFAULT_SETTINGS.l2, 'λ the setup command writes');
  });

  test('the influenceLens.backend setting lists the backend registry', () => {
    const pkg = json('package.json');
    const setting = pkg.contributes.configuration.properties['influenceLens.backend'];
    assert.deepEqual(setting.enum, [...BACKEND_PREFERENCES]);
    assert.equal(setting.default, DEFAULT_SETTINGS.backend);
    assert.deepEqual(SETTING_CHOICES.backend, BACKEND_PREFERENCES);
  });

  test('registry keys and entries agree (names are derived, lookups reject unknown names)', () => {
    assert.deepEqual(SOLVER_NAMES, Object.keys(SOLVERS));
    assert.deepEqual(SETTING_CHOICES.solver, ['auto', ...SOLVER_NAMES]);
    assert.deepEqual(SAMPLER_NAMES, Object.keys(SAMPLERS));
    for (const name of SAMPLER_NAMES) assert.equal(getSampler(name), SAMPLERS[name].sample);
    assert.throws(() => getSampler('stratified' as 'random'), /unknown sampler 'stratified' \(random\|feature\|logit\|full\)/);
    assert.deepEqual(GENERATOR_NAMES, ['same-class', 'feature-cluster', 'coherent', 'self-influence']);
  });

  test('data-file extensions: the loader, the config checker, the schema and the editor menu agree', () => {
    assert.deepEqual([...DATA_EXTENSIONS], [...SUPPORTED_EXTENSIONS]);
    const pattern = new RegExp(schema.properties.train.pattern);
    for (const ext of SUPPORTED_EXTENSIONS) assert.ok(pattern.test(`a${ext}`) && pattern.test(`a${ext.toUpperCase()}`), ext);
    assert.ok(!pattern.test('a.txt'));
    const menu = json('package.json').contributes.menus['editor/context'].find((m: { command: string }) => m.command === 'influenceLens.explainPrediction');
    assert.deepEqual(menu.when.split('||').map((w: string) => w.trim().replace('resourceExtname == ', '')), [...SUPPORTED_EXTENSIONS]);
  });
});
