/**
 * Writes a TensorFlow.js Layers model as `dir/model.json` + `dir/weights.bin` (one shard) with plain fs:
 * for scripts (train-mlp) and tests that make fixture models. The engine only reads models.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ModelJson } from '../engine/neural/load';

/** An IOHandler that writes `dir/model.json` and `dir/weights.bin` (single shard). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (art: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      fs.mkdirSync(dir, { recursive: true });
      const wd = art.weightData;
      const bytes = wd === undefined ? new Uint8Array(0)
        : Array.isArray(wd) ? Buffer.concat(wd.map((b) => Buffer.from(b)))
          : new Uint8Array(wd);
      fs.writeFileSync(path.join(dir, 'weights.bin'), bytes);
      const json: ModelJson = {
        modelTopology: art.modelTopology,
        format: art.format ?? 'layers-model',
        generatedBy: art.generatedBy,
        convertedBy: art.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs ?? [] }],
      };
      if (art.trainingConfig) json.trainingConfig = art.trainingConfig;
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(art.modelTopology).length,
          weightSpecsBytes: JSON.stringify(art.weightSpecs ?? []).length,
          weightDataBytes: bytes.byteLength,
        },
      };
    },
  };
}

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(dir));
}

