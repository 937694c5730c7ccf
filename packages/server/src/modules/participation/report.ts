import { and, eq, inArray } from 'drizzle-orm';
import {
  participationWarnings,
  type ParticipationSummary,
  type ParticipationWarning,
} from '@perfcommons/domain';
import type { Db } from '../../db/client';
import {
  feedbackInterviews,
  improvementFollows,
  improvementPlans,
  interviewSeats,
  needSupports,
  needs,
  orgUnits,
  people,
  planComments,
  plans,
  publicRatings,
  ratings,
  threadPosts,
  threads,
} from '../../db/schema';
import { PUBLIC_CATEGORIES } from './access';
import { appraiseeResolver, HIGH_RELEVANCE, loadParticipants, relevanceOf } from './relevance';

/** The links in which the public gives input (link 6, application of results, is read-only for it). */
export const LINKS = ['mission', 'planning', 'communication', 'evaluation', 'feedback'] as const;
export type Link = (typeof LINKS)[number];

export interface LinkReport {
  link: Link;
  /** Distinct participants. */
  n: number;
  /** Inputs (needs, supports, comments, posts, ratings, seats, follows). */
  inputs: number;
  summary: ParticipationSummary;
  /** Share of inputs from participants with relevance ≥ 0.6. */
  highInputShare: number;
  meanRelevance: number | null;
  warnings: ParticipationWarning[];
}

/**
 * Participation report of a cycle 公众参与报告: for each appraisee and link, who took part, how
 * closely related they are, their categories and districts, the share of input from highly related
 * participants, and warnings where participation looks "for show".
 */
export async function participationReport(
  db: Db,
  q: { cycleId: string; orgUnitId?: string; publicOnly?: boolean },
) {
  const conds = [eq(plans.cycleId, q.cycleId)];
  if (q.orgUnitId) conds.push(eq(plans.orgUnitId, q.orgUnitId));
  if (q.publicOnly) conds.push(inArray(plans.status, ['published_for_comment', 'approved', 'closed']));
  const planRows = await db
    .select({
      id: plans.id,
      appraiseeType: plans.appraiseeType,
      orgUnitId: plans.orgUnitId,
      title: plans.title,
      titleEn: plans.titleEn,
      orgName: orgUnits.name,
      orgNameEn: orgUnits.nameEn,
      personName: people.name,
      personNameEn: people.nameEn,
      path: orgUnits.path,
    })
    .from(plans)
    .innerJoin(orgUnits, eq(orgUnits.id, plans.orgUnitId))
    .leftJoin(people, eq(people.id, plans.personId))
    .where(and(...conds))
    .orderBy(plans.appraiseeType, orgUnits.path, people.code);
  if (!planRows.length) return { cycleId: q.cycleId, items: [] };
  const planIds = planRows.map((p) => p.id);
  // (planId, link) → userId → inputs
  const inputs = new Map<string, Map<string, number>>();
  const add = (planId: string, link: Link, userId: string, k = 1) => {
    const key = `${planId}|${link}`;
    const m = inputs.get(key) ?? new Map<string, number>();
    inputs.set(key, m);
    m.set(userId, (m.get(userId) ?? 0) + k);
  };
  const unitPlan = new Map(
    planRows.filter((p) => p.appraiseeType === 'unit').map((p) => [p.orgUnitId, p.id]),
  );

  const needRows = await db
    .select({ id: needs.id, orgUnitId: needs.orgUnitId, authorId: needs.authorId })
    .from(needs)
    .where(eq(needs.cycleId, q.cycleId));
  const supportRows = needRows.length
    ? await db
        .select({ needId: needSupports.needId, userId: needSupports.userId })
        .from(needSupports)
        .where(
          inArray(
            needSupports.needId,
            needRows.map((n) => n.id),
          ),
        )
    : [];
  const needUnit = new Map(needRows.map((n) => [n.id, n.orgUnitId]));
  for (const n of needRows)
    if (unitPlan.has(n.orgUnitId)) add(unitPlan.get(n.orgUnitId)!, 'mission', n.authorId);
  for (const s of supportRows) {
    const p = unitPlan.get(needUnit.get(s.needId)!);
    if (p) add(p, 'mission', s.userId);
  }
  for (const c of await db
    .select({ planId: planComments.planId, userId: planComments.authorId })
    .from(planComments)
    .where(inArray(planComments.planId, planIds)))
    add(c.planId, 'planning', c.userId);
  for (const p of await db
    .select({ planId: threads.planId, userId: threadPosts.authorId })
    .from(threadPosts)
    .innerJoin(threads, eq(threads.id, threadPosts.threadId))
    .where(and(inArray(threads.planId, planIds), eq(threadPosts.authorRole, 'stakeholder'))))
    add(p.planId, 'communication', p.userId);
  const rated = new Set<string>();
  for (const r of await db
    .select({ planId: publicRatings.planId, userId: publicRatings.userId })
    .from(publicRatings)
    .where(eq(publicRatings.cycleId, q.cycleId))) {
    rated.add(`${r.planId}|${r.userId}`);
    add(r.planId, 'evaluation', r.userId);
  }
  // Public-subject ratings entered directly (e.g. imported satisfaction ratings) count once per rater.
  for (const r of await db
    .selectDistinct({ planId: ratings.planId, userId: ratings.raterId })
    .from(ratings)
    .where(and(eq(ratings.cycleId, q.cycleId), eq(ratings.subjectType, 'public'))))
    if (!rated.has(`${r.planId}|${r.userId}`)) add(r.planId, 'evaluation', r.userId);
  for (const s of await db
    .select({
      planId: feedbackInterviews.planId,
      userId: interviewSeats.userId,
      status: interviewSeats.status,
    })
    .from(interviewSeats)
    .innerJoin(feedbackInterviews, eq(feedbackInterviews.id, interviewSeats.interviewId))
    .where(inArray(feedbackInterviews.planId, planIds)))
    if (s.status !== 'absent') add(s.planId, 'feedback', s.userId);
  for (const f of await db
    .select({ planId: improvementPlans.planId, userId: improvementFollows.userId })
    .from(improvementFollows)
    .innerJoin(improvementPlans, eq(improvementPlans.id, improvementFollows.improvementPlanId))
    .where(inArray(improvementPlans.planId, planIds)))
    add(f.planId, 'feedback', f.userId);

  const userIds = [...new Set([...inputs.values()].flatMap((m) => [...m.keys()]))];
  const participants = await loadParticipants(db, userIds);
  const resolve = await appraiseeResolver(db);
  const items = planRows.map((p) => {
    const appraisee = resolve(p.orgUnitId);
    const links: LinkReport[] = LINKS.filter((l) => l !== 'mission' || p.appraiseeType === 'unit').map(
      (link) => {
        const m = inputs.get(`${p.id}|${link}`) ?? new Map<string, number>();
        const people = [...m.entries()].map(([userId, k]) => {
          const part = participants.get(userId)!;
          return {
            relevance: relevanceOf(part, appraisee).score,
            category: part.category,
            district: part.district,
            k,
          };
        });
        const total = people.reduce((s, x) => s + x.k, 0);
        const { warnings, summary } = participationWarnings(
          { participants: people },
          { publicCategories: PUBLIC_CATEGORIES, highRelevance: HIGH_RELEVANCE },
        );
        return {
          link,
          n: people.length,
          inputs: total,
          summary,
          highInputShare: total
            ? people.filter((x) => x.relevance >= HIGH_RELEVANCE).reduce((s, x) => s + x.k, 0) / total
            : 0,
          meanRelevance: people.length ? people.reduce((s, x) => s + x.relevance, 0) / people.length : null,
          warnings,
        };
      },
    );
    return {
      planId: p.id,
      appraiseeType: p.appraiseeType,
      orgUnitId: p.orgUnitId,
      appraiseeName: p.personName ?? p.orgName,
      appraiseeNameEn: p.personNameEn ?? p.orgNameEn,
      participants: new Set(links.flatMap((l) => [...(inputs.get(`${p.id}|${l.link}`)?.keys() ?? [])])).size,
      links,
      warnings: links.flatMap((l) => l.warnings.map((w) => ({ link: l.link, ...w }))),
    };
  });
  return { cycleId: q.cycleId, items };
}
