/** CLI options for bringing your own model or scores: --onnx-model, --keep-head, --scores and its layout flags. */
import { Flags } from './args';
import { InputError } from '../engine/data/dataset';
import { ORIENTATIONS, SCORE_FORMATS, SCORE_SIGNS, type Orientation, type ScoreFormat, type ScoreSign } from '../engine/scores/index';
import type { SessionOptions } from '../engine/session';

export const BYO_FLAGS = ['onnx-model', 'keep-head', 'scores', 'scores-format', 'orientation', 'sign', 'scores-tensor'] as const;

export const BYO_USAGE = `[--onnx-model model.onnx [--keep-head]] [--scores FILE [--scores-format ${SCORE_FORMATS.join('|')}] [--orientation ${ORIENTATIONS.join('|')}] [--sign ${SCORE_SIGNS.join('|')}] [--scores-tensor NAME]]`;

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
