/**
 * The model-source registry: `model.type` in influence.config.json (and the CLI) → how to open it.
 * A new source is one file exporting a SourceEntry and one line here; the config schema's
 * model.type values are checked against these keys by a unit test.
 */
import type { SourceEntry } from '../source';
import { linearSource } from './linear';
import { tfjsSource } from './tfjs';
import { onnxSource } from './onnx';
import { scoresSource } from './scores';

export const SOURCES = {
  linear: linearSource,
  tfjs: tfjsSource,
  onnx: onnxSource,
  scores: scoresSource,
} as const satisfies Record<string, SourceEntry>;

export type SourceName = keyof typeof SOURCES;
export const SOURCE_NAMES = Object.keys(SOURCES) as SourceName[];
