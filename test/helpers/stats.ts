/** Correlation and error measures for comparing estimates with retraining (the engine's own). */
export { pearson, spearman, relativeError } from '../../src/engine/stats';
