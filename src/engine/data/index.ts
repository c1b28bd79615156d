/** Data layer of the engine (pure Node: never imports `vscode`). */
export type { Dataset } from './dataset';
export { InputError, rowOf } from './dataset';
export type { LoadOptions } from './load';
export { SUPPORTED_EXTENSIONS, loadDataset, parseDataset } from './load';
export type { StandardizerStats } from './standardize';
export { applyStandardizer, fitStandardizer } from './standardize';
export { canonicalLabel, orderClasses } from './labels';
