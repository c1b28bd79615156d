/** `influence.config.json` as the extension reads it (paths relative to the config file). */

/** `model.type` values the config accepts (checked against the engine's source registry in a unit test). */
export const MODEL_TYPES = ['linear', 'tfjs', 'onnx'] as const;
/** λ written into a new config by the setup command (equals the analyzer's default; unit-tested). */
export const DEFAULT_CONFIG_L2 = 1e-3;

export type ModelConfig =
  | { type: 'linear'; l2?: number }
  | { type: 'tfjs'; path: string }
  /** An ONNX classifier explained by its last layer (exactly when it is linear); keepHead: its own head weights as loaded. */
  | { type: 'onnx'; path: string; keepHead?: boolean };

/** `"scores"`: a score matrix computed elsewhere (Kronfluence, TRAK, dattri, Captum) explained instead of a model (docs/IMPORT.md). */
export interface ScoresConfig {
  path: string;
  format?: 'kronfluence' | 'trak' | 'npy' | 'safetensors';
  orientation?: 'test-by-train' | 'train-by-test';
  sign?: 'helpful-positive' | 'harmful-positive';
  /** safetensors: the tensor to use (default all_modules, or the sum of per-module tensors). */
  tensor?: string;
}

/** `"images"`: how image folders (train/<class>/*.png|jpg) become features. */
export interface ImagesConfig {
  size?: number | [number, number];
  mean?: number | number[];
  std?: number | number[];
  channels?: 'rgb' | 'bgr' | 'gray';
  layout?: 'chw' | 'hwc';
}

export interface InfluenceConfig {
  train: string;
  test: string;
  labelColumn?: string;
  model?: ModelConfig;
  /** [height, width] or [height, width, channels]: rows are drawn as pictures. */
  imageShape?: number[];
  scores?: ScoresConfig;
  images?: ImagesConfig;
  /** Only these columns are features (file order), or these are not (ids, text): CSV, JSONL and Parquet. */
  featureColumns?: string[];
  ignoreColumns?: string[];
}
