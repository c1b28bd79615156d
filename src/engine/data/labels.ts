import { InputError } from './dataset';

/** Integer-looking label text ("3", "-1", "+07"). Only called once per distinct label. */
const INTEGER = /^[+-]?\d+$/;

/**
 * Canonical label name: integers lose their sign/leading-zero spelling ("07" → "7", "+3" → "3")
 * so that a CSV "07" and a JSON 7 name the same class; everything else is kept as written (trimmed).
 */
export function canonicalLabel(text: string): string {
  const s = text.trim();
  if (!INTEGER.test(s)) return s;
  const neg = s.charCodeAt(0) === 45;
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  const digits = s.slice(i);
  return neg && digits !== '0' ? `-${digits}` : digits;
}

function isIntegerLabel(s: string): boolean {
  return INTEGER.test(s);
}

/** Compare two canonical integer strings numerically (arbitrary length, no precision loss). */
function compareIntegers(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  const ma = na ? a.slice(1) : a;
  const mb = nb ? b.slice(1) : b;
  let c = ma.length !== mb.length ? ma.length - mb.length : ma < mb ? -1 : ma > mb ? 1 : 0;
  if (na) c = -c;
  return c;
}

/**
 * Class order for a training set: numeric ascending when every label is an integer, otherwise
 * lexicographic by UTF-16 code units (locale-independent, so results are reproducible).
 */
export function orderClasses(labels: Iterable<string>): string[] {
  const distinct = [...new Set(labels)];
  if (distinct.every(isIntegerLabel)) return distinct.sort(compareIntegers);
  return distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Turn per-row canonical labels into class indices. Without `reference` the classes are derived
 * (and at least two are required); with it, every label must be one of the reference classes.
 */
export function encodeLabels(
  labels: readonly string[],
  lines: Int32Array,
  file: string,
  referenceClasses: readonly string[] | undefined,
  referenceFile: string | undefined,
): { y: Int32Array; classes: readonly string[] } {
  let classes: readonly string[];
  if (referenceClasses) {
    classes = referenceClasses;
  } else {
    classes = orderClasses(labels);
    if (classes.length < 2) {
      throw new InputError(
        `a training set needs at least 2 classes, but every row has the label ${JSON.stringify(classes[0] ?? '')}`,
        file,
      );
    }
  }
  const index = new Map<string, number>();
  classes.forEach((c, k) => index.set(c, k));
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const k = index.get(labels[i]);
    if (k === undefined) {
      const shown = classes.length <= 20 ? classes.map((c) => JSON.stringify(c)).join(', ') : `${classes.length} classes`;
      throw new InputError(
        `label ${JSON.stringify(labels[i])} never occurs in the training set${referenceFile ? ` (${referenceFile})` : ''}; ` +
          `known classes: ${shown}`,
        file,
        lines[i],
      );
    }
    y[i] = k;
  }
  return { y, classes };
}
