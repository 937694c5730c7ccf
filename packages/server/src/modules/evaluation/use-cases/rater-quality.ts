import { and, eq, sql } from 'drizzle-orm';
import { krippendorffAlpha, raterLeniency } from '@perfcommons/domain';
import type { Db } from '../../../db/client';
import { ratings, users } from '../../../db/schema';
import { requireOffice, type Actor } from '../../../lib/actor';
import { getCycle } from '../../cycles/service';

/**
 * Rater quality 评分质量: each rater's leniency or severity against the panels they sat on, and
 * the agreement of each subject's panels (Krippendorff's alpha, interval level; units are
 * plan × indicator, coders the raters). Public ratings are left out (they are not panels).
 */
export async function raterQuality(db: Db, actor: Actor | null, cycleId: string) {
  requireOffice(actor, 'Rater quality');
  await getCycle(db, cycleId);
  const rows = await db
    .select({
      raterId: ratings.raterId,
      planId: ratings.planId,
      code: ratings.indicatorCode,
      subject: ratings.subjectType,
      score: ratings.score,
      username: users.username,
      displayName: users.displayName,
    })
    .from(ratings)
    .innerJoin(users, eq(users.id, ratings.raterId))
    .where(and(eq(ratings.cycleId, cycleId), sql`${ratings.subjectType} <> 'public'`));
  const bySubject = new Map<string, typeof rows>();
  for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  const raters: {
    raterId: string;
    username: string;
    displayName: string;
    subjectType: string;
    n: number;
    meanDeviation: number;
    flag: 'lenient' | 'severe' | null;
  }[] = [];
  const panels: {
    subjectType: string;
    units: number;
    raters: number;
    ratings: number;
    alpha: number | null;
  }[] = [];
  for (const [subject, list] of bySubject) {
    const lenient = raterLeniency(
      list.map((r) => ({ raterId: r.raterId, targetId: `${r.planId}|${r.code}`, score: r.score })),
      {
        leaveOneOut: true,
      },
    );
    const who = new Map(list.map((r) => [r.raterId, r]));
    for (const l of lenient) {
      raters.push({
        raterId: l.raterId,
        username: who.get(l.raterId)!.username,
        displayName: who.get(l.raterId)!.displayName,
        subjectType: subject,
        n: l.n,
        meanDeviation: l.meanDeviation,
        flag: l.meanDeviation > 5 ? 'lenient' : l.meanDeviation < -5 ? 'severe' : null,
      });
    }
    const raterIds = [...new Set(list.map((r) => r.raterId))];
    const col = new Map(raterIds.map((id, i) => [id, i]));
    const units = new Map<string, (number | null)[]>();
    for (const r of list) {
      const k = `${r.planId}|${r.code}`;
      const row = units.get(k) ?? new Array<number | null>(raterIds.length).fill(null);
      row[col.get(r.raterId)!] = r.score;
      units.set(k, row);
    }
    let alpha: number | null = null;
    try {
      const a = krippendorffAlpha([...units.values()], 'interval');
      alpha = Number.isFinite(a) ? a : null;
    } catch {
      alpha = null; // too few pairable values
    }
    panels.push({
      subjectType: subject,
      units: units.size,
      raters: raterIds.length,
      ratings: list.length,
      alpha,
    });
  }
  raters.sort((x, y) => Math.abs(y.meanDeviation) - Math.abs(x.meanDeviation));
  return { raters, panels };
}
