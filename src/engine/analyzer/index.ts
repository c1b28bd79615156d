/**
 * The engine's one entry point: `openSource(spec, settings, work)` opens a source from the registry
 * (./sources/index.ts) by `spec.model.type`; `openAnalyzer` wraps it in the Analyzer that answers
 * every query. Settings are resolved once (./settings.ts) and echoed in every result.
 */
import { InputError } from '../data/dataset';
import type { Work } from '../types';
import { Analyzer } from './analyzer';
import { resolveSettings, type AnalyzerSettings } from './settings';
import type { InfluenceSource, SourceSpec } from './source';
import { SOURCES, SOURCE_NAMES, type SourceName } from './sources/index';

export { Analyzer, type ExplainOptions, type GroupOptions } from './analyzer';
export { DEFAULT_SETTINGS, SETTING_CHOICES, resolveSettings, type AnalyzerSettings } from './settings';
export { CAPABILITIES, CAPABILITY_NAMES, UnavailableError, capabilities, type Availability, type Capabilities, type Capability } from './capabilities';
export type { Differentiable, InfluenceSource, ModelSpec, RowScores, SourceEntry, SourceSpec, TestDirection } from './source';
export { SOURCES, SOURCE_NAMES, type SourceName } from './sources/index';

export function isSourceName(type: string): type is SourceName {
  return Object.hasOwn(SOURCES, type);
}

/** Opens the source `spec.model.type` names (default 'linear'): loads the data, fits or loads the model. */
export async function openSource(spec: SourceSpec, settings: Partial<AnalyzerSettings> | AnalyzerSettings = {}, work: Work = {}): Promise<InfluenceSource> {
  const type = spec.model?.type ?? 'linear';
  if (!isSourceName(type)) throw new InputError(`unknown model type '${type}' (expected one of ${SOURCE_NAMES.join(', ')})`);
  return SOURCES[type].open(spec, resolveSettings(settings), work);
}

/** openSource + the Analyzer over it, with the same frozen settings. */
export async function openAnalyzer(spec: SourceSpec, settings: Partial<AnalyzerSettings> = {}, work: Work = {}): Promise<Analyzer> {
  const resolved = resolveSettings(settings);
  return new Analyzer(await openSource(spec, resolved, work), resolved);
}
