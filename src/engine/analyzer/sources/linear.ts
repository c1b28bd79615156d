/** Source 'linear': logistic or softmax regression fitted by the engine to ‖∇L‖ ≤ 1e-10. */
import type { Dataset } from '../../data/dataset';
import { InputError } from '../../data/dataset';
import type { Work } from '../../types';
import { LinearClassifier } from '../../models/linear';
import { Objective } from '../../objective';
import { fitNewton } from '../../fit';
import type { AnalyzerSettings } from '../settings';
import type { SourceEntry } from '../source';
import { DifferentiableSource } from './differentiable';
import { loadData } from './data';

/** Fits the linear model to data already in memory (tests, the worker with parsed buffers). */
export function fitLinear(train: Dataset, test: Dataset, settings: AnalyzerSettings, work: Work = {}, timings: Record<string, number> = {}): DifferentiableSource {
  const K = train.classes.length;
  const kind = settings.linearModel !== 'auto' ? settings.linearModel : K === 2 ? 'logistic' : 'softmax';
  if (kind === 'logistic' && K !== 2) throw new InputError(`logistic regression needs two classes, the training data has ${K}`, train.file);
  // Adding one vector to every class's weights changes no softmax probability: without λ the Hessian is singular.
  if (settings.l2 === 0 && kind === 'softmax') throw new InputError(`l2 = 0 leaves the softmax model (${K} classes) without a unique optimum: adding the same vector to every class's weights changes no prediction, so the Hessian is singular and influence is undefined. Use a positive l2 (the default is 1e-3).`);
  const model = new LinearClassifier(kind, train.d, K);
  const obj = new Objective(model, train, { l2: settings.l2, regularizeBias: settings.regularizeBias });
  const t0 = performance.now();
  work.progress?.(0.05, 'fitting the model');
  const fitted = fitNewton(obj, { checkCancelled: work.checkCancelled, progress: (f, m) => work.progress?.(0.05 + 0.6 * f, m) });
  timings.fit = Math.round((performance.now() - t0) * 100) / 100;
  return new DifferentiableSource({
    kind: 'linear', train, test, model, obj, theta: fitted.theta, fit: fitted.report, timings,
    info: { kind, nParams: model.nParams, source: 'fitted' }, solver: settings.solver,
  }, work);
}

export const linearSource: SourceEntry = {
  summary: 'logistic (2 classes) or softmax regression fitted by the engine',
  configKeys: ['l2'],
  async open(spec, settings, work) {
    const { train, test, ms } = await loadData(spec, settings, work);
    return fitLinear(train, test, settings, work, { load: ms });
  },
};
