/**
 * Source 'scores': a matrix of influence scores computed elsewhere (Kronfluence, TRAK, dattri, Captum),
 * read a row or column at a time. It has rows, first-order group sums and first-order selection; nothing
 * that needs the model (second order, Newton, retraining, self-influence, the sweep) — each says why.
 */
import { InputError } from '../../data/dataset';
import { openScoreFile } from '../../scores/index';
import { ImportedScores } from '../../scores/explain';
import { capabilities, CAPABILITY_NAMES, type Capability } from '../capabilities';
import type { InfluenceSource, SourceEntry } from '../source';
import { loadData } from './data';

export const scoresSource: SourceEntry = {
  summary: 'a score matrix from Kronfluence, TRAK, dattri or Captum (.safetensors, .npy, .mmap): first-order rows and groups',
  configKeys: ['path', 'format', 'orientation', 'sign', 'tensor'],
  async open(spec, settings, work) {
    const m = spec.model;
    if (!m?.path) throw new InputError('a "scores" source needs "path" (the score file)');
    const { train, test, ms } = await loadData(spec, settings, work);
    const t0 = performance.now();
    const table = openScoreFile({ file: m.path, format: m.format, orientation: m.orientation, sign: m.sign, tensor: m.tensor, nTrain: train.n, nTest: test.n });
    const imported = new ImportedScores(table, train, test);
    const why = `only scores were imported (${table.format} file ${m.path}): there is no model or Hessian`;
    const missing = Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, why])) as Record<Capability, string>;
    const source: InfluenceSource = {
      kind: 'scores', train, test,
      fit: {
        gradNorm: NaN, iterations: 0, converged: true, objective: NaN, trainAccuracy: NaN,
        method: `imported ${table.format} scores`, notes: [table.description],
      },
      info: { kind: `${table.format} scores (${table.dtype}, ${table.orientation})`, nParams: 0, source: 'scores' },
      timings: { load: ms, openScores: Math.round((performance.now() - t0) * 100) / 100 },
      capabilities: capabilities(missing),
      rowScores(t, w) {
        const t1 = performance.now();
        const scores = imported.scoresFor(t, w);
        return { scores, solve: null, solveMs: 0, scoresMs: Math.round((performance.now() - t1) * 100) / 100 };
      },
      predict: () => null,
      trainLosses: () => null,
    };
    return source;
  },
};
