/**
 * Source 'onnx': a classifier exported to ONNX (PyTorch, Keras, scikit-learn). Its head is explained by
 * the exact float64 linear engine on the penultimate features onnxruntime computes (last-layer influence),
 * verified at the optimum of the configured objective, refitted, or kept as loaded (`keepHead`). A model
 * that is only a head (Gemm + Softmax) is a linear classifier: exact, and no runtime is needed.
 */
import { InputError } from '../../data/dataset';
import { OnnxClassifier } from '../../onnx/index';
import { onnxLinearHead } from '../../onnx/linearHead';
import type { SourceEntry } from '../source';
import { DifferentiableSource } from './differentiable';
import { loadData } from './data';

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

export const onnxSource: SourceEntry = {
  summary: 'an ONNX classifier: its last layer explained exactly by the linear engine on the penultimate features (exact for a linear model)',
  configKeys: ['path', 'keepHead'],
  async open(spec, settings, work) {
    const file = spec.model?.path;
    if (!file) throw new InputError('an "onnx" model needs "path" (the .onnx file)');
    const clf = OnnxClassifier.open(file); // file and head errors before the data is read
    const { train, test, ms: loadMs } = await loadData(spec, settings, work);
    const t0 = performance.now();
    const r = await onnxLinearHead(clf, train, test, { l2: settings.l2, regularizeBias: settings.regularizeBias, keepHead: spec.model?.keepHead }, work);
    const timings: Record<string, number> = { load: loadMs, features: ms(t0) };
    return new DifferentiableSource({
      kind: 'onnx', train: r.train, test: r.test, model: r.model, obj: r.obj, theta: r.theta, fit: r.fit, timings, solver: settings.solver,
      info: { kind: `onnx → ${r.model.kind}${r.lastLayer ? ' (last layer)' : ''}`, nParams: r.model.nParams, source: 'onnx' },
    }, work);
  },
};
