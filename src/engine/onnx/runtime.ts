/**
 * onnxruntime-node, loaded only when a model has layers before its head (a purely linear ONNX model
 * never needs it). It is an optional dependency: when absent, the caller gets one clear sentence.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from '../data/dataset';

/** The part of onnxruntime-node's API used here. */
export interface OrtTensor { readonly data: ArrayLike<number>; readonly dims: readonly number[]; readonly type: string }
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'float64', data: Float32Array | Float64Array, dims: readonly number[]) => OrtTensor;
}

export type RuntimeLoader = () => Promise<OrtModule>;

export const loadOnnxRuntime: RuntimeLoader = async () => {
  // A variable specifier keeps bundlers from trying to inline the native addon.
  const name = 'onnxruntime-node';
  try {
    return (await import(name)) as OrtModule;
  } catch (e) {
    // A platform-specific .vsix carries it next to the bundles (scripts/package-target.mjs).
    const copy = path.join(__dirname, 'native', 'node_modules', name, 'package.json');
    if (!existsSync(copy)) throw e;
    return createRequire(copy)(name) as OrtModule;
  }
};

export async function requireRuntime(file: string, load: RuntimeLoader = loadOnnxRuntime): Promise<OrtModule> {
  try {
    const ort = await load();
    if (!ort?.InferenceSession || !ort.Tensor) throw new Error('the package has no InferenceSession');
    return ort;
  } catch (e) {
    throw new InputError(
      'running this ONNX model needs the optional package onnxruntime-node, which could not be loaded ' +
        `(${(e as Error).message.split('\n')[0]}). Install it next to Influence Lens with ` +
        '`ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install onnxruntime-node` (the CPU binaries are inside the package). ' +
        'A model that is a single Gemm/MatMul head needs no runtime.',
      file,
    );
  }
}
