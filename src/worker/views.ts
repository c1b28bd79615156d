/**
 * Engine results → the protocol's view models (src/protocol/results.ts). The one place where engine
 * types meet the contract: a change on either side that does not fit fails to compile here.
 */
import type * as engine from '../engine/results';
import type { AnalyzerSettings } from '../engine/analyzer/settings';
import type { Analyzer } from '../engine/analyzer/analyzer';
import { groupEffect } from '../engine/influence/ranking';
import type * as view from '../protocol';

export function settingsView(s: AnalyzerSettings | undefined): view.SettingsEcho | undefined {
  return s && { ...s };
}

export function fitView(f: engine.FitReport): view.FitReport {
  return { ...f, ...(f.notes ? { notes: [...f.notes] } : {}) };
}

export function explainView(e: engine.ExplainResult): view.ExplainResult {
  return {
    testIndex: e.testIndex, testFile: e.testFile, testLine: e.testLine, label: e.label, predicted: e.predicted,
    classes: e.classes, probabilities: e.probabilities, testLoss: e.testLoss, scores: e.scores,
    harmful: e.harmful, helpful: e.helpful, fit: fitView(e.fit), solve: e.solve, model: e.model, timings: e.timings,
    settings: settingsView(e.settings),
  };
}

/** A group with its ranking value (the one rule, applied here so no UI repeats it). */
export function groupView(g: engine.GroupResult): view.GroupResult {
  return { ...g, effect: groupEffect(g) };
}

export function selectView(s: engine.SelectResult): view.SelectResult {
  return { ...s, settings: settingsView(s.settings) };
}

export function sweepView(s: engine.SweepResult): view.SweepResult {
  return { ...s, settings: settingsView(s.settings) };
}

export function selfInfluenceView(s: engine.SelfInfluenceResult): view.SelfInfluenceResult {
  return { ...s, fit: fitView(s.fit), settings: settingsView(s.settings) };
}

export function capabilitiesView(a: Analyzer): view.CapabilityView[] {
  return a.describeCapabilities().map(({ name, what, available, reason }) => ({ name, what, available, ...(reason ? { reason } : {}) }));
}
