/** `influence.config.json` as the extension reads it (paths relative to the config file). */

export type ModelConfig =
  | { type: 'linear'; l2?: number }
  | { type: 'tfjs'; path: string };

export interface InfluenceConfig {
  train: string;
  test: string;
  labelColumn?: string;
  model?: ModelConfig;
  /** [height, width] or [height, width, channels]: rows are drawn as pictures. */
  imageShape?: number[];
}
