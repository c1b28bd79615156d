/**
 * Source 'tfjs': a TensorFlow.js Layers model from the workspace. A single Dense softmax/sigmoid layer
 * is a linear classifier: it takes the exact float64 path (verified at the optimum of our objective, or
 * refitted from its weights — the fit notes say which). Other models are explained at their loaded
 * weights with HVPs by double backward. tfjs is imported only here, so the linear CLI starts fast.
 */
import { InputError } from '../../data/dataset';
import type { Dataset } from '../../data/dataset';
import type { Work } from '../../types';
import type { FitReport } from '../../results';
import { LinearClassifier } from '../../models/linear';
import { Objective } from '../../objective';
import { fitNewton } from '../../fit';
import type { AnalyzerSettings } from '../settings';
import type { SourceEntry } from '../source';
import { DifferentiableSource, reportAt } from './differentiable';
import { loadData } from './data';

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

export async function openTfjs(modelPath: string, train: Dataset, test: Dataset, settings: AnalyzerSettings, work: Work = {}, timings: Record<string, number> = {}): Promise<DifferentiableSource> {
  const t0 = performance.now();
  work.progress?.(0.02, 'loading the TensorFlow.js model');
  const { selectBackend } = await import('../../neural/backend');
  const { openNeuralModel } = await import('../../neural/load');
  const backend = (await selectBackend(settings.backend)).backend;
  const curvature = settings.curvature;
  const opened = await openNeuralModel(modelPath, train, { curvature });
  timings.loadModel = ms(t0);
  const { l2, regularizeBias } = settings;
  if (opened.linear) {
    const lin = new LinearClassifier(opened.linearKind!, train.d, train.classes.length);
    const obj = new Objective(lin, train, { l2, regularizeBias });
    opened.model.dispose();
    // tfjs stores a Dense kernel per output neuron (θ[o(d+1) + j]); the linear engine is feature-major.
    let theta = outputToFeatureMajor(opened.theta, lin.nOut, train.d + 1);
    const given = obj.gradNorm(theta);
    const notes = [...opened.notes];
    let report: FitReport;
    const t1 = performance.now();
    if (given <= 1e-8) {
      report = { ...reportAt(obj, theta, 'loaded weights, verified at the optimum'), notes };
      notes.push(`verified: the loaded weights are at the optimum of the mean-form objective (‖∇L‖ = ${given.toExponential(2)}, λ = ${l2})`);
    } else {
      const refit = fitNewton(obj, { theta0: theta, checkCancelled: work.checkCancelled });
      theta = refit.theta;
      notes.push(`refitted: the loaded weights had ‖∇L‖ = ${given.toExponential(2)} under λ = ${l2}; influence uses the model refitted from them (‖∇L‖ = ${refit.report.gradNorm.toExponential(2)})`);
      report = { ...refit.report, notes };
    }
    timings.fit = ms(t1);
    return new DifferentiableSource({
      kind: 'tfjs', train, test, model: lin, obj, theta, fit: report, timings, solver: settings.solver,
      info: { kind: `tfjs → ${lin.kind}`, nParams: lin.nParams, source: 'tfjs', backend },
    }, work);
  }
  const obj = new Objective(opened.model, train, { l2, regularizeBias });
  const report = { ...reportAt(obj, opened.theta, `loaded weights (not refitted), ${curvature} curvature`), notes: opened.notes };
  if (report.gradNorm > 1e-6) report.notes = [...opened.notes, `the loaded weights are not an exact optimum (‖∇L‖ = ${report.gradNorm.toExponential(2)}): influence is a local approximation`];
  // Exact Hessians of neural nets can be indefinite: CG needs the PSD Gauss-Newton matrix or LiSSA's damping.
  const solver = settings.solver !== 'auto' ? settings.solver : curvature === 'hessian' ? 'lissa' : 'cg';
  return new DifferentiableSource({
    kind: 'tfjs', train, test, model: opened.model, obj, theta: opened.theta, fit: report, timings, solver,
    info: { kind: 'tfjs', nParams: opened.model.nParams, source: 'tfjs', backend, curvature },
    // Neural HVPs cost a forward+double-backward pass each: cap the iterations and report the residual.
    solveBase: { tol: 1e-6, maxIter: 150 },
    noDenseHessian: 'a neural network has no closed-form dense Hessian (solves are iterative)',
  }, work);
}

/** θ[o·s + j] (one block per output) → θ[j·nOut + o] (feature-major, the LinearClassifier layout). */
function outputToFeatureMajor(theta: Float64Array, nOut: number, s: number): Float64Array {
  const out = new Float64Array(theta.length);
  for (let o = 0; o < nOut; o++) for (let j = 0; j < s; j++) out[j * nOut + o] = theta[o * s + j];
  return out;
}

export const tfjsSource: SourceEntry = {
  summary: 'a TensorFlow.js Layers model (model.json); a single Dense layer takes the exact linear path',
  configKeys: ['path'],
  async open(spec, settings, work) {
    if (!spec.model?.path) throw new InputError('a "tfjs" model needs "path" (its model.json)');
    const { train, test, ms: loadMs } = await loadData(spec, settings, work);
    return openTfjs(spec.model.path, train, test, settings, work, { load: loadMs });
  },
};
