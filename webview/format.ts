export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 10 ** -(digits - 1) || a >= 1e4) ? x.toExponential(2) : x.toFixed(digits);
}
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** "1 row", "3 rows". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * How far an influence estimate is from the retrained effect (the value to trust): flagged when the
 * signs differ or one is more than `factor` times the other. Effects both below `floor` are noise.
 */
export function estimateGap(estimate: number | null | undefined, retrained: number | null | undefined, factor = 2, floor = 1e-9):
  { flagged: boolean; why: string } {
  if (estimate === null || estimate === undefined || retrained === null || retrained === undefined) return { flagged: false, why: '' };
  if (!Number.isFinite(estimate) || !Number.isFinite(retrained)) return { flagged: false, why: '' };
  const a = Math.abs(estimate), b = Math.abs(retrained);
  if (a < floor && b < floor) return { flagged: false, why: '' };
  if (Math.sign(estimate) !== Math.sign(retrained) && Math.max(a, b) >= floor) {
    return { flagged: true, why: `the estimate ${fmt(estimate)} has the opposite sign of the retrained ${fmt(retrained)}; trust the retrained value` };
  }
  const ratio = Math.max(a, b) / Math.max(Math.min(a, b), floor);
  if (ratio > factor) {
    return { flagged: true, why: `the estimate ${fmt(estimate)} is off by ×${ratio.toFixed(1)} from the retrained ${fmt(retrained)}; trust the retrained value` };
  }
  return { flagged: false, why: '' };
}

/**
 * One grey scale for every picture of a table: robust global percentiles (default 1st and 99th) of
 * all values shown, so one extreme pixel does not blacken a row and rows can be compared.
 */
export function pictureScale(rows: ReadonlyArray<ArrayLike<number>>, lowQ = 0.01, highQ = 0.99): { lo: number; hi: number } {
  const all: number[] = [];
  for (const r of rows) for (let i = 0; i < r.length; i++) if (Number.isFinite(r[i])) all.push(r[i]);
  if (!all.length) return { lo: 0, hi: 1 };
  all.sort((x, y) => x - y);
  const at = (q: number) => all[Math.min(all.length - 1, Math.max(0, Math.round(q * (all.length - 1))))];
  let lo = at(lowQ), hi = at(highQ);
  if (!(hi > lo)) { lo = all[0]; hi = all[all.length - 1]; }
  if (!(hi > lo)) hi = lo + 1;
  return { lo, hi };
}

/** A value on a picture scale → 0..255 (clipped). */
export function grey(v: number, s: { lo: number; hi: number }): number {
  if (!Number.isFinite(v)) return 0;
  return Math.max(0, Math.min(255, Math.round(((v - s.lo) / (s.hi - s.lo)) * 255)));
}
