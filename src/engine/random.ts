/** Seeded PRNG (mulberry32) and helpers: every random choice in the engine is reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k distinct integers from [0, n) (partial Fisher–Yates), in the order drawn. */
export function sampleWithoutReplacement(n: number, k: number, rand: () => number): number[] {
  if (k > n) throw new Error(`cannot draw ${k} distinct items from ${n}`);
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/**
 * k distinct integers from [0, n) in increasing order, O(k) time and memory (Floyd's algorithm), for a
 * small sample of a large range (a thousand rows out of a million).
 */
export function sampleSorted(n: number, k: number, rand: () => number): Int32Array {
  if (k > n) throw new Error(`cannot draw ${k} distinct items from ${n}`);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
}
