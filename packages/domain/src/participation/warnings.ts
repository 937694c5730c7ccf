/** Options of {@link participationWarnings}. */
export interface ParticipationWarningOptions {
  /** Categories counting as the public 公众 side, default public, service_recipient, enterprise, resident. */
  publicCategories?: string[];
  /** Relevance counted as "high", default 0.6. */
  highRelevance?: number;
  /** Warn lowRelevance when the high-relevance share is below this, default 0.3. */
  minHighRelevanceShare?: number;
  /** Warn categoryDominates when one category exceeds this share, default 0.6. */
  dominanceShare?: number;
  /** Share-based warnings only from this many participants on, default 10. */
  minParticipants?: number;
}

/** A warning about who took part. */
export interface ParticipationWarning {
  /** noPublic: no public participant; lowRelevance: few closely related participants; categoryDominates: one category swamps the rest. */
  kind: 'noPublic' | 'lowRelevance' | 'categoryDominates';
  /** Explanation with the numbers. */
  message: string;
}

/** Who took part, summarised. */
export interface ParticipationSummary {
  /** Participants. */
  n: number;
  /** Counts in relevance bins [0,0.2), [0.2,0.4), [0.4,0.6), [0.6,0.8), [0.8,1]. */
  relevanceHistogram: { from: number; to: number; count: number }[];
  /** Participants per category. */
  byCategory: Record<string, number>;
  /** Participants per district ('(none)' when not given). */
  byDistrict: Record<string, number>;
  /** Share with relevance ≥ highRelevance (0 when n = 0). */
  highRelevanceShare: number;
}

/**
 * Warnings on the make-up of a participant pool 参与结构预警 — a rating is only as credible as
 * the people giving it — plus the summary the warnings are computed from.
 */
export function participationWarnings(
  stats: { participants: { relevance: number; category: string; district?: string }[] },
  options: ParticipationWarningOptions = {},
): { warnings: ParticipationWarning[]; summary: ParticipationSummary } {
  const publicCats = options.publicCategories ?? ['public', 'service_recipient', 'enterprise', 'resident'];
  const high = options.highRelevance ?? 0.6;
  const minHigh = options.minHighRelevanceShare ?? 0.3;
  const dominance = options.dominanceShare ?? 0.6;
  const minN = options.minParticipants ?? 10;
  const ps = stats.participants;
  const n = ps.length;
  const relevanceHistogram = [0, 0.2, 0.4, 0.6, 0.8].map((from) => ({
    from,
    to: Math.round((from + 0.2) * 10) / 10,
    count: 0,
  }));
  const byCategory: Record<string, number> = {};
  const byDistrict: Record<string, number> = {};
  let highCount = 0;
  for (const p of ps) {
    const r = Math.min(1, Math.max(0, p.relevance));
    // Bin edges on tenths: multiply by 5 with a small epsilon so 0.6 lands in [0.6, 0.8).
    relevanceHistogram[Math.min(4, Math.floor(r * 5 + 1e-9))].count++;
    byCategory[p.category] = (byCategory[p.category] ?? 0) + 1;
    const d = p.district ?? '(none)';
    byDistrict[d] = (byDistrict[d] ?? 0) + 1;
    if (p.relevance >= high - 1e-12) highCount++;
  }
  const highRelevanceShare = n > 0 ? highCount / n : 0;
  const warnings: ParticipationWarning[] = [];
  if (!ps.some((p) => publicCats.includes(p.category)))
    warnings.push({ kind: 'noPublic', message: `no participant from the public (${publicCats.join(', ')})` });
  if (n >= minN && highRelevanceShare < minHigh)
    warnings.push({
      kind: 'lowRelevance',
      message: `only ${(highRelevanceShare * 100).toFixed(1)}% of ${n} participants have relevance ≥ ${high} (want ≥ ${(minHigh * 100).toFixed(0)}%)`,
    });
  if (n >= minN) {
    for (const [cat, c] of Object.entries(byCategory).sort()) {
      if (c / n > dominance)
        warnings.push({
          kind: 'categoryDominates',
          message: `category ${cat} makes up ${((c / n) * 100).toFixed(1)}% of ${n} participants (limit ${(dominance * 100).toFixed(0)}%)`,
        });
    }
  }
  return { warnings, summary: { n, relevanceHistogram, byCategory, byDistrict, highRelevanceShare } };
}
