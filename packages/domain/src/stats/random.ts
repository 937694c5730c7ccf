/**
 * Small deterministic pseudo-random numbers for reproducible sampling and Monte Carlo runs.
 * Not cryptographic: the point is that the same seed gives the same draw on every machine.
 */

/** Hash a string to a 32-bit unsigned integer (cyrb53 folded to 32 bits; stable across platforms). */
export function hashSeed(seed: number | string): number {
  const s = typeof seed === 'number' ? `n:${seed}` : `s:${seed}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/**
 * Uniform generator on [0, 1) (mulberry32) started from a 32-bit state as given: the demo city, the
 * survey seed and the test factories draw from it, so their data are the same on every machine.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeded uniform generator on [0, 1) (mulberry32). A string or number seed is hashed first,
 * so seeds 1 and '1' give different streams.
 */
export function createRng(seed: number | string): () => number {
  return mulberry32(hashSeed(seed));
}
