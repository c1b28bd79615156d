/**
 * Choosing feature columns for columnar sources (Parquet): the label, then `featureColumns` (only those,
 * in file order) or every other column minus `ignoreColumns`. Same options and meaning as the CSV loader.
 */
import { InputError } from './dataset';

export interface ColumnChoice {
  labelColumn?: string;
  featureColumns?: readonly string[];
  ignoreColumns?: readonly string[];
}

export function chooseColumns(names: readonly string[], opts: ColumnChoice, file: string): { label: string; features: string[] } {
  const label = opts.labelColumn ?? 'label';
  const have = new Set(names);
  const list = (xs: readonly string[]) => xs.slice(0, 10).map((s) => JSON.stringify(s)).join(', ') + (xs.length > 10 ? `, … and ${xs.length - 10} more` : '');
  if (!have.has(label)) {
    throw new InputError(`no label column ${JSON.stringify(label)}; the file has columns ${list(names)}. Set labelColumn to the column holding the class`, file);
  }
  const check = (xs: readonly string[], what: string) => {
    const missing = xs.filter((c) => !have.has(c));
    if (missing.length) throw new InputError(`${what} names column(s) the file does not have: ${list(missing)}; it has ${list(names)}`, file);
  };
  if (opts.featureColumns) {
    check(opts.featureColumns, 'featureColumns');
    if (opts.featureColumns.includes(label)) throw new InputError(`featureColumns includes the label column ${JSON.stringify(label)}`, file);
    const only = new Set(opts.featureColumns);
    return { label, features: names.filter((c) => only.has(c)) }; // file order, as the CSV loader
  }
  const ignore = new Set(opts.ignoreColumns ?? []);
  if (opts.ignoreColumns) check(opts.ignoreColumns, 'ignoreColumns');
  const features = names.filter((c) => c !== label && !ignore.has(c));
  if (!features.length) throw new InputError(`no feature columns left besides the label ${JSON.stringify(label)}`, file);
  return { label, features };
}
