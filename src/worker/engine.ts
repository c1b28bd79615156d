/**
 * The worker's view of the engine: the analyzer (src/engine/analyzer) and how it is opened.
 * Kept in one place so tests can substitute another opener.
 */
import { Analyzer, openAnalyzer, type AnalyzerSettings, type SourceSpec } from '../engine/analyzer/index';
import type { Work } from '../engine/types';

export type EngineSession = Analyzer;

export type OpenSession = (spec: SourceSpec, settings: Partial<AnalyzerSettings>, work?: Work) => Promise<EngineSession>;

export function engineOpen(): OpenSession {
  return (spec, settings, work) => openAnalyzer(spec, settings, work);
}
