import { segmentChinese } from '../surveys/text';

/** Options of {@link clusterTexts}. */
export interface ClusterOptions {
  /** Minimum Jaccard similarity of character-bigram sets to link two texts, default 0.35. */
  threshold?: number;
}

/** A group of similar texts (e.g. needs 诉求 or comments 意见 saying the same thing). */
export interface TextCluster {
  /** The member most similar on average to the others (ties: earliest in the input). */
  representativeId: string;
  /** Member ids in input order. */
  memberIds: string[];
  /** Number of members. */
  size: number;
}

/** Character bigrams of the text (Han runs), whole latin words and numbers: works without word segmentation. */
function shingles(text: string): Set<string> {
  return new Set(segmentChinese(text, { useSegmenter: false }));
}

/**
 * Jaccard similarity (0–1) of the character-bigram sets of two texts (Han runs as bigrams, latin words
 * and numbers whole); 0 when both are empty.
 */
export function textSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Cluster short texts 文本聚类 by Jaccard similarity of character-bigram sets (works for Chinese
 * without a dictionary), single-link: texts are in one cluster when a chain of pairs each
 * ≥ threshold joins them. The result does not depend on the input order except for tie-breaks;
 * clusters are sorted by size desc, then by first member's input position.
 */
export function clusterTexts(
  items: { id: string; text: string }[],
  options: ClusterOptions = {},
): TextCluster[] {
  const threshold = options.threshold ?? 0.35;
  const sets = items.map((i) => shingles(i.text));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  // Inverted index: only pairs sharing a bigram can reach a positive threshold.
  const index = new Map<string, number[]>();
  sets.forEach((s, i) => s.forEach((g) => index.set(g, [...(index.get(g) ?? []), i])));
  const sim = new Map<number, Map<number, number>>();
  const pairSim = (i: number, j: number) => sim.get(i)?.get(j) ?? 0;
  for (let i = 0; i < items.length; i++) {
    const cand = new Set<number>();
    for (const g of sets[i]) for (const j of index.get(g)!) if (j > i) cand.add(j);
    for (const j of cand) {
      const s = jaccard(sets[i], sets[j]);
      if (!sim.has(i)) sim.set(i, new Map());
      if (!sim.has(j)) sim.set(j, new Map());
      sim.get(i)!.set(j, s);
      sim.get(j)!.set(i, s);
      if (s >= threshold) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const groups = new Map<number, number[]>();
  items.forEach((_, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  return [...groups.values()]
    .map((members) => {
      let rep = members[0];
      let best = -1;
      for (const i of members) {
        const avg =
          members.length > 1
            ? members.reduce((a, j) => a + (j === i ? 0 : pairSim(i, j)), 0) / (members.length - 1)
            : 0;
        if (avg > best + 1e-12) {
          best = avg;
          rep = i;
        }
      }
      return {
        first: members[0],
        cluster: {
          representativeId: items[rep].id,
          memberIds: members.map((i) => items[i].id),
          size: members.length,
        },
      };
    })
    .sort((a, b) => b.cluster.size - a.cluster.size || a.first - b.first)
    .map((x) => x.cluster);
}
