/** CLI options for bringing your own model or scores: --onnx-model, --keep-head, --scores and its layout flags. */
import { Flags } from './args';
import { InputError } from '../engine/data/dataset';
import { ORIENTATIONS, SCORE_FORMATS, SCORE_SIGNS, type Orientation, type ScoreFormat, type ScoreSign } from '../engine/scores/index';
import type { SessionOptions } from '../engine/session';
import type { OptionSpec } from './options';

/** Part of every session command's options (src/cli/options.ts); docs/IMPORT.md explains the layouts. */
export const BYO_OPTIONS: readonly OptionSpec[] = [
  { name: 'onnx-model', value: 'FILE', help: 'an ONNX classifier explained by its last layer (exactly, when it is linear)' },
  { name: 'keep-head', help: 'with --onnx-model: use the model\'s own head weights as loaded instead of verifying or refitting them' },
  { name: 'scores', value: 'FILE', help: 'a score matrix computed elsewhere (Kronfluence, TRAK, dattri, Captum: .safetensors, .npy, .mmap) instead of a model: rows and first-order groups only' },
  { name: 'scores-format', value: 'FORMAT', choices: SCORE_FORMATS, help: 'layout of --scores (detected from the file when absent)' },
  { name: 'orientation', value: 'WHICH', choices: ORIENTATIONS, help: 'rows of the --scores matrix: test rows or training rows (detected from the shape when unambiguous)' },
  { name: 'sign', value: 'WHICH', choices: SCORE_SIGNS, help: 'what a positive --scores value means (Kronfluence and TRAK: helpful-positive)' },
  { name: 'scores-tensor', value: 'NAME', help: 'safetensors: the tensor to read (default all_modules, or the sum of per-module tensors)' },
];

export function byoOptions(f: Flags): Pick<SessionOptions, 'onnxModel' | 'keepHead' | 'scores'> {
  const models = (['tfjs-model', 'onnx-model', 'scores'] as const).filter((k) => f.has(k));
  if (models.length > 1) throw new InputError(`--${models.join(' and --')} cannot be combined: give one model or one score file`);
  for (const k of ['scores-format', 'orientation', 'sign', 'scores-tensor'] as const) {
    if (f.has(k) && !f.has('scores')) throw new InputError(`--${k} describes a score file: it needs --scores FILE`);
  }
  if (f.has('keep-head') && !f.has('onnx-model')) throw new InputError('--keep-head applies to an ONNX model: it needs --onnx-model FILE');
  const scores = f.str('scores');
  return {
    onnxModel: f.str('onnx-model'),
    keepHead: f.has('keep-head') || undefined,
    scores: scores === undefined ? undefined : {
      path: scores,
      format: f.has('scores-format') ? f.oneOf('scores-format', SCORE_FORMATS, 'npy' as ScoreFormat) : undefined,
      orientation: f.has('orientation') ? f.oneOf('orientation', ORIENTATIONS, 'test-by-train' as Orientation) : undefined,
      sign: f.has('sign') ? f.oneOf('sign', SCORE_SIGNS, 'helpful-positive' as ScoreSign) : undefined,
      tensor: f.str('scores-tensor'),
    },
  };
}
