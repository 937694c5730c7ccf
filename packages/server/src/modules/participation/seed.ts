import { and, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  counselingSessions,
  cycles,
  feedbackInterviews,
  improvementActions,
  improvementFollows,
  improvementPlans,
  interviewSeats,
  needLinks,
  needSupports,
  needs,
  orgUnits,
  participantProfiles,
  participantRelationships,
  people,
  planComments,
  plans,
  publicRatings,
  serviceRecords,
  threadPosts,
  threads,
  users,
} from '../../db/schema';
import { appendAudit } from '../audit/service';
import { appraiseeResolver, contactHash, loadParticipants, relevanceOf } from './relevance';

const DISTRICTS = ['dc', 'xc', 'nh', 'bs', 'lj', 'qs', 'hx', 'ty'];
/** Departments citizens declare ties to, in turn. */
const TIES = ['hea', 'edu', 'tra', 'hud', 'hrss', 'civ', 'amr', 'ps'];

/** Needs of the 2026 cycle: [unit, title, body, indicator linked or null]. */
const NEEDS: [string, string, string, string | null][] = [
  ['hea', '家庭医生签约服务', '希望社区家庭医生签约后能真正上门随访，老人看病不用跑远路', 'A1'],
  ['hea', '家庭医生上门', '家庭医生签约后希望能上门随访，方便老人看病', 'A1'],
  ['hea', '预约挂号难', '二级医院网上预约号源太少，希望增加预约诊疗号源', 'A2'],
  ['hea', '医院预约号源', '希望医院增加网上预约号源，预约诊疗更方便', 'A2'],
  ['hea', '夜间药房', '希望每个区至少有一家24小时药房', null],
  ['hea', '医院停车难', '市第一医院周边停车太难，建议建设立体停车场', null],
  ['hea', '门诊排队时间长', '门诊排队缴费时间太长，希望推广诊间支付', null],
  ['hud', '老旧小区加装电梯', '老旧小区加装电梯审批太慢，希望简化流程', 'A2'],
  ['hud', '加装电梯审批', '希望简化老旧小区加装电梯的审批流程，加快进度', 'A2'],
  ['hud', '保障房分配公开', '保障性住房分配过程希望全程公开', null],
  ['hud', '物业管理', '小区物业服务差，希望加强物业监管', null],
  ['hud', '联系方式', '我的电话是13900001111，请联系我', null],
];
const COMMENTS: [string | null, string, string | null][] = [
  [null, '建议把群众满意度的权重再提高一些', '已采纳：公众满意度权重由20%调整为25%的建议将在定稿时统筹考虑'],
  ['A1', '家庭医生签约率目标值80%偏低，建议提高到85%', '经测算，2026年目标调整为85%'],
  ['A2', '预约诊疗率请说明数据来源和统计口径', '数据来源为市卫健委预约诊疗平台，按月统计'],
  ['B1', '希望增加老年人线下服务渠道的考核', null],
];

/**
 * Demo participation: stakeholder profiles and ties for citizen01..40 (half verified by service
 * records), needs with supports for the health and housing bureaus, the health bureau's 2026 plan
 * published for comment with answered comments, a thread and a counseling record, public ratings
 * of two heads in the term cycle, a feedback interview and an improvement plan with followers.
 * Multi-row inserts only.
 */
export async function seedParticipation(db: Db) {
  return db.transaction(async (tx) => {
    const citizens = await tx
      .select()
      .from(users)
      .where(like(users.username, 'citizen%'))
      .orderBy(users.username);
    const named = async (names: string[]) =>
      new Map(
        (await tx.select().from(users).where(inArray(users.username, names))).map((u) => [u.username, u]),
      );
    const officials = await named(['office', 'hea.manager', 'hud.manager', 'hea.head']);
    const office = officials.get('office')!;
    const units = new Map((await tx.select().from(orgUnits)).map((u) => [u.code, u]));
    const cyc = new Map((await tx.select().from(cycles)).map((c) => [c.code, c]));
    const unitPlan = async (cycleCode: string, code: string) =>
      (
        await tx
          .select()
          .from(plans)
          .where(
            and(
              eq(plans.cycleId, cyc.get(cycleCode)!.id),
              eq(plans.orgUnitId, units.get(code)!.id),
              eq(plans.appraiseeType, 'unit'),
            ),
          )
      )[0];

    // Profiles and ties.
    // Per ten citizens: 4 urban, 2 rural residents, an enterprise, a shop, a social organisation,
    // and an expert or a deputy in turn.
    const MIX = [
      'urban_resident',
      'urban_resident',
      'urban_resident',
      'urban_resident',
      'rural_resident',
      'rural_resident',
      'enterprise',
      'individual_business',
      'social_org',
    ];
    const cat = (i: number) => MIX[i % 10] ?? (i % 20 < 10 ? 'expert' : 'deputy');
    await tx.insert(participantProfiles).values(
      citizens.map((c, i) => ({
        userId: c.id,
        category: cat(i),
        district: DISTRICTS[i % DISTRICTS.length],
        emailHash: contactHash('email', `${c.username}@example.org`),
      })),
    );
    const ties = citizens.flatMap((c, i) => {
      const business = ['enterprise', 'individual_business'].includes(cat(i));
      const main = {
        userId: c.id,
        orgUnitId: units.get(business ? 'amr' : TIES[i % TIES.length])!.id,
        kind: business ? 'supervised' : i % 3 === 0 ? 'applicant' : 'service_recipient',
      };
      const local = {
        userId: c.id,
        orgUnitId: units.get(DISTRICTS[i % DISTRICTS.length])!.id,
        kind: 'resident_served',
      };
      return i % 3 === 0 ? [main, local] : [main];
    });
    await tx.insert(participantRelationships).values(ties);
    const emailOf = new Map(citizens.map((c) => [c.id, contactHash('email', `${c.username}@example.org`)]));
    await tx.insert(serviceRecords).values(
      ties
        .filter((_, i) => i % 2 === 0)
        .map((t) => ({
          orgUnitId: t.orgUnitId,
          contactHash: emailOf.get(t.userId)!,
          kind: t.kind,
          importedBy: office.id,
        })),
    );

    // Link 1: needs with supports and links.
    const next = cyc.get('2026-annual')!;
    const needRows = await tx
      .insert(needs)
      .values(
        NEEDS.map(([code, title, body], i) => ({
          cycleId: next.id,
          orgUnitId: units.get(code)!.id,
          authorId: citizens[(i * 3) % citizens.length].id,
          title,
          body,
          ...(body.includes('139')
            ? {
                status: 'hidden',
                hiddenReason: '含有个人联系方式，为保护隐私已隐藏',
                moderatedBy: officials.get('hud.manager')!.id,
                moderatedAt: new Date('2026-01-12T02:00:00Z'),
              }
            : {}),
        })),
      )
      .returning();
    const supports = needRows.flatMap((n, i) =>
      n.status === 'hidden'
        ? []
        : citizens
            .filter((c, j) => c.id !== n.authorId && (j * 7 + i * 5) % 11 < 11 - i)
            .slice(0, 14 - i)
            .map((c) => ({ needId: n.id, userId: c.id })),
    );
    await tx.insert(needSupports).values(supports);
    const heaNext = await unitPlan('2026-annual', 'hea');
    const hudNext = await unitPlan('2026-annual', 'hud');
    await tx.insert(needLinks).values(
      needRows.flatMap((n, i) => {
        const code = NEEDS[i][3];
        if (!code) return [];
        const plan = NEEDS[i][0] === 'hea' ? heaNext : hudNext;
        return [{ needId: n.id, planId: plan.id, indicatorCode: code, linkedBy: office.id }];
      }),
    );

    // Link 2: the health bureau's 2026 plan published for comment; all but one comment answered.
    const [published] = await tx
      .update(plans)
      .set({ status: 'published_for_comment', updatedAt: new Date('2026-01-15T02:00:00Z') })
      .where(eq(plans.id, heaNext.id))
      .returning();
    const heaManager = officials.get('hea.manager')!;
    await tx.insert(planComments).values(
      COMMENTS.map(([code, body, answer], i) => ({
        planId: heaNext.id,
        indicatorCode: code,
        authorId: citizens[i * 5 + 1].id,
        body,
        answer,
        answeredBy: answer ? heaManager.id : null,
        answeredAt: answer ? new Date('2026-01-20T02:00:00Z') : null,
      })),
    );

    // Link 3: a thread and a counseling record on the health bureau's 2025 plan.
    const annual = cyc.get('2025-annual')!;
    const hea2025 = await unitPlan('2025-annual', 'hea');
    const [thread] = await tx
      .insert(threads)
      .values({
        planId: hea2025.id,
        indicatorCode: 'A1',
        title: '家庭医生签约率进展',
        authorId: citizens[2].id,
      })
      .returning();
    await tx.insert(threadPosts).values([
      {
        threadId: thread.id,
        authorId: citizens[2].id,
        authorRole: 'stakeholder',
        body: '我们小区签约了，但一年没见过家庭医生，签约率是怎么统计的？',
      },
      {
        threadId: thread.id,
        authorId: officials.get('hea.head')!.id,
        authorRole: 'cadre',
        body: '签约率按签约人数统计，下半年将把履约随访率纳入考核。',
      },
      {
        threadId: thread.id,
        authorId: office.id,
        authorRole: 'office',
        body: '绩效办已将“履约随访”列入三季度督查重点。',
      },
      {
        threadId: thread.id,
        authorId: citizens[12].id,
        authorRole: 'stakeholder',
        body: '支持增加随访考核，希望公布各社区数据。',
      },
    ]);
    await tx.insert(counselingSessions).values({
      planId: hea2025.id,
      heldOn: '2025-07-18',
      attendees: ['市卫健委主任', '市绩效办 刘敏', '分管副主任', '市民代表 2 名'],
      issues: ['家庭医生签约后履约随访不足', '二级医院预约号源不足'],
      actions: [
        { action: '将履约随访率纳入社区卫生服务中心考核', owner: '基层卫生处', deadline: '2025-09-30' },
        { action: '二级医院预约号源占比提高到70%', owner: '医政医管处', deadline: '2025-12-31' },
      ],
      summary: '半年绩效辅导：进度总体正常，签约质量需加强。',
      recordedBy: heaManager.id,
    });

    // Link 4: public ratings of two heads in the term cycle, weighted by relevance.
    const term = cyc.get('2021-2025-term')!;
    const pool = await loadParticipants(
      tx,
      citizens.map((c) => c.id),
    );
    const resolve = await appraiseeResolver(tx);
    const dims = ['DE', 'NENG', 'QIN', 'JI', 'LIAN'];
    const ratingRows = [];
    for (const [k, code] of ['hea', 'hud'].entries()) {
      const [head] = await tx
        .select({ planId: plans.id })
        .from(plans)
        .innerJoin(people, eq(people.id, plans.personId))
        .where(and(eq(plans.cycleId, term.id), eq(plans.orgUnitId, units.get(code)!.id)));
      for (let j = 0; j < 12; j++) {
        const c = citizens[(j * 3 + k) % citizens.length];
        const base = 72 + k * 8 + ((j * 13) % 17);
        ratingRows.push({
          cycleId: term.id,
          planId: head.planId,
          userId: c.id,
          scores: Object.fromEntries(dims.map((d, x) => [d, Math.min(100, base + ((x * 5 + j) % 9) - 4)])),
          comment: j % 4 === 0 ? '办事效率有提升，希望继续改进服务态度' : null,
          relevance: relevanceOf(pool.get(c.id)!, resolve(units.get(code)!.id)).score,
        });
      }
    }
    await tx.insert(publicRatings).values(ratingRows);

    // Link 5: a feedback interview with seats by relevance, and an improvement plan followed publicly.
    const appraisee = resolve(units.get('hea')!.id);
    const seats = [...pool.values()]
      .map((p) => ({ userId: p.userId, relevance: relevanceOf(p, appraisee).score }))
      .sort((a, b) => b.relevance - a.relevance)
      .slice(0, 5);
    const [interview] = await tx
      .insert(feedbackInterviews)
      .values({
        planId: hea2025.id,
        heldOn: '2026-03-12',
        title: '2025年度绩效反馈面谈',
        status: 'held',
        record:
          '反馈了2025年度考核结果；利益相关群众代表提出履约随访、夜间药房等意见，单位承诺制定整改方案。',
        recordedBy: heaManager.id,
      })
      .returning();
    await tx
      .insert(interviewSeats)
      .values(
        seats.map((s, i) => ({ interviewId: interview.id, ...s, status: i < 4 ? 'attended' : 'absent' })),
      );
    const [improvement] = await tx
      .insert(improvementPlans)
      .values({
        planId: hea2025.id,
        title: '2025年度考核反馈问题整改方案',
        summary: '针对公众满意度评价和反馈面谈中提出的问题制定。',
        createdBy: heaManager.id,
      })
      .returning();
    await tx.insert(improvementActions).values([
      {
        improvementPlanId: improvement.id,
        action: '履约随访率纳入社区考核并按月公布',
        owner: '基层卫生处',
        deadline: '2026-04-30',
        status: 'done',
        evidence: '2026年4月起在市卫健委官网按月公布各社区履约随访率',
      },
      {
        improvementPlanId: improvement.id,
        action: '每区设立一家24小时药房',
        owner: '药政处',
        deadline: '2026-09-30',
        status: 'in_progress',
        evidence: '已在东城、西城、南湖三区设立',
      },
      {
        improvementPlanId: improvement.id,
        action: '二级以上医院全面推行诊间支付',
        owner: '医政医管处',
        deadline: '2026-12-31',
        status: 'planned',
      },
    ]);
    await tx
      .insert(improvementFollows)
      .values(citizens.slice(0, 6).map((c) => ({ improvementPlanId: improvement.id, userId: c.id })));

    await appendAudit(tx, [
      {
        actorId: heaManager.id,
        action: 'plan.submit',
        entityType: 'plan',
        entityId: published.id,
        data: { from: 'draft', to: 'published_for_comment' },
        entity: published,
      },
      {
        actorId: office.id,
        action: 'participation.seed',
        entityType: 'cycle',
        entityId: annual.id,
        data: {
          profiles: citizens.length,
          needs: needRows.length,
          supports: supports.length,
          ratings: ratingRows.length,
        },
      },
    ]);
    return {
      profiles: citizens.length,
      needs: needRows.length,
      supports: supports.length,
      publicRatings: ratingRows.length,
    };
  });
}
