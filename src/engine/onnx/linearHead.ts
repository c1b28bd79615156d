/**
 * From an ONNX classifier to the exact linear engine: penultimate features of the training and test
 * rows, the head as a LinearClassifier, checked at the optimum of the configured objective (‖∇L‖
 * reported) or refitted from the model's own head, or kept as loaded when asked. The notes say which,
 * and that this is last-layer influence unless the model is only its head.
 */
import type { Dataset } from '../data/dataset';
import { LinearClassifier } from '../models/linear';
import { Objective } from '../objective';
import { fitNewton } from '../fit';
import { accuracy } from '../predict';
import type { FitReport } from '../results';
import type { Work } from '../types';
import type { OnnxClassifier } from './index';

export interface OnnxHeadOptions {
  l2?: number;
  regularizeBias?: boolean;
  /** Use the model's own head weights even when they are not at the optimum of our objective. */
  keepHead?: boolean;
}

export interface OnnxLinear {
  /** Rows as the head sees them: the data itself for a pure head, otherwise penultimate features. */
  train: Dataset;
  test: Dataset;
  model: LinearClassifier;
  obj: Objective;
  theta: Float64Array;
  fit: FitReport;
  /** True when the model has layers before its head (influence is then last-layer influence). */
  lastLayer: boolean;
}

/** ‖∇L‖ at or below this counts as "at the optimum" for weights stored in float32. */
const VERIFIED = 1e-8;

export async function onnxLinearHead(clf: OnnxClassifier, train: Dataset, test: Dataset, opts: OnnxHeadOptions = {}, work: Work = {}): Promise<OnnxLinear> {
  const kind = clf.check(train);
  const sub = (a: number, b: number): Work => ({ checkCancelled: work.checkCancelled, progress: (f, m) => work.progress?.(a + (b - a) * f, m) });
  const trainF = await clf.features(train, sub(0, 0.45));
  const testF = await clf.features(test, sub(0.45, 0.5));
  const l2 = opts.l2 ?? 1e-3;
  const model = new LinearClassifier(kind, trainF.d, train.classes.length);
  const obj = new Objective(model, trainF, { l2, regularizeBias: opts.regularizeBias ?? true });
  const given = clf.headTheta(kind);
  const g0 = obj.gradNorm(given);
  const lastLayer = !clf.head.inputIsGraphInput;
  const notes = [
    `ONNX head: ${clf.head.description} on ${lastLayer ? `the ${clf.head.d} penultimate features "${clf.head.input}"` : 'the data columns'} (${kind})`,
    lastLayer
      ? 'last-layer influence: the layers before the head are held fixed (the standard practical approximation for deep networks)'
      : 'the model is a linear classifier: influence is exact',
  ];
  let theta = given;
  let fit: FitReport;
  const reportAt = (method: string): FitReport => {
    const gradNorm = obj.gradNorm(theta);
    return { gradNorm, iterations: 0, converged: gradNorm <= 1e-10, objective: obj.value(theta), trainAccuracy: accuracy(model, theta, trainF, null), method };
  };
  if (opts.keepHead) {
    fit = reportAt('ONNX head weights as loaded (not refitted)');
    notes.push(`kept the model's own head weights (‖∇L‖ = ${g0.toExponential(2)} under λ = ${l2}${g0 > VERIFIED ? ': not an optimum of this objective, so influence is a local approximation' : ''})`);
  } else if (g0 <= VERIFIED) {
    fit = reportAt('ONNX head weights, verified at the optimum');
    notes.push(`verified: the head is at the optimum of the mean-form objective (‖∇L‖ = ${g0.toExponential(2)}, λ = ${l2})`);
  } else {
    work.progress?.(0.5, 'refitting the head');
    const refit = fitNewton(obj, { theta0: given, checkCancelled: work.checkCancelled });
    theta = refit.theta;
    fit = { ...refit.report, method: `ONNX head refitted from its weights (${refit.report.method})` };
    notes.push(`refitted: the head had ‖∇L‖ = ${g0.toExponential(2)} under λ = ${l2}; influence uses the head refitted from it (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
  }
  fit.notes = notes;
  return { train: trainF, test: testF, model, obj, theta, fit, lastLayer };
}
