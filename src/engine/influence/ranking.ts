/**
 * The one group-ranking rule: a group's removal effect is its second-order estimate where that is
 * valid, else its first-order sum. Most harmful first = most negative effect first.
 */
export interface RankedGroup { firstOrder: number; secondOrder: number | null }

export function groupEffect(g: RankedGroup): number {
  return g.secondOrder ?? g.firstOrder;
}

/** Comparator: most harmful (most negative removal effect) first. */
export function mostHarmfulFirst(a: RankedGroup, b: RankedGroup): number {
  return groupEffect(a) - groupEffect(b);
}
