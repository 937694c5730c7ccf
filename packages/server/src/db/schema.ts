/**
 * Drizzle schema: one PostgreSQL dialect for PGlite (embedded) and PostgreSQL (server).
 * Tables are grouped by aggregate; later features (participation, surveys, monitoring) add tables
 * that reference cycles, plans, org units and users without changing these.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import type {
  AppraiseeType,
  CycleRules,
  CycleType,
  IndicatorNodeInput,
  PlanStatus,
  Role,
  Stage,
} from '@perfcommons/contracts';
import type {
  FirstLevelAttainment,
  GradeScheme,
  MissingEntry,
  RankStability,
  ScoreFigures,
  SubjectType,
  VetoOutcome,
} from '@perfcommons/domain';

/** Accounts of officials, evaluators and public participants. */
export const users = pgTable('users', {
  id: id(),
  username: text('username').notNull().unique(),
  email: text('email').unique(),
  phone: text('phone').unique(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  displayNameEn: text('display_name_en'),
  disabled: boolean('disabled').notNull().default(false),
  /** Set for a password someone else chose (init, import, reset): every API call but auth answers 403 until changed. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  /**
   * When the password was last set through a path that enforces the policy (random, or at least 10 characters):
   * init, import, reset, change. Null for the demo seed, self-registration and older accounts; the production
   * start check tries the demo password only against those.
   */
  passwordSetAt: timestamp('password_set_at', { withTimezone: true }),
  /** Keyed blind index (HMAC) of the normalised e-mail: login and uniqueness without the plaintext (`email` is encrypted). */
  emailLookup: text('email_lookup').unique(),
  /** Keyed blind index (HMAC) of the normalised phone number (`phone` is encrypted). */
  phoneLookup: text('phone_lookup').unique(),
  /** Failed logins since the last successful one (shown to the user at the next login). */
  failedLogins: integer('failed_logins').notNull().default(0),
  /** The latest successful login and its client address. */
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  lastLoginIp: text('last_login_ip'),
  /** TOTP (RFC 6238) secret, encrypted; enabled once a first code was verified. */
  totpSecret: text('totp_secret'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
  /** Last accepted TOTP time step: a code is accepted once (no replay). */
  totpLastStep: integer('totp_last_step'),
  /** The participant deleted the account: personal data erased, contributions kept anonymised. */
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** A role held over an org subtree (null org = the whole government). */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    orgUnitId: uuid('org_unit_id').references(() => orgUnits.id),
  },
  (t) => [uniqueIndex('role_assignments_unique').on(t.userId, t.role, t.orgUnitId)],
);

/** Login sessions; the cookie carries a random token, the table keeps only its SHA-256. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  createdAt: createdAt(),
  /** Absolute end of the session (SESSION_MAX_HOURS after login). */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** Last request: the session ends after SESSION_IDLE_MINUTES without one. */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  /** Client address of the login. */
  ip: text('ip'),
  /** Shown to the user of this session: the login before this one and the failures in between. */
  previousLoginAt: timestamp('previous_login_at', { withTimezone: true }),
  previousLoginIp: text('previous_login_ip'),
  failedLoginsBefore: integer('failed_logins_before').notNull().default(0),
});

/** Org tree: the city government, its departments and subordinate district governments. */
export const orgUnits = pgTable(
  'org_units',
  {
    id: id(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    kind: text('kind').notNull(), // government | department | district
    parentId: uuid('parent_id'),
    /** Materialised path of codes, e.g. `/city/edu/`, for subtree scoping by prefix. */
    path: text('path').notNull(),
    /** Peer group for ranking (districts with districts, economic departments with economic ones). */
    peerGroup: text('peer_group'),
    createdAt: createdAt(),
  },
  (t) => [index('org_units_path').on(t.path)],
);

/** Leading cadres 领导干部 with position and term. */
export const people = pgTable(
  'people',
  {
    id: id(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    position: text('position').notNull(),
    positionEn: text('position_en'),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    userId: uuid('user_id').references(() => users.id),
    termStart: date('term_start'),
    termEnd: date('term_end'),
    createdAt: createdAt(),
  },
  (t) => [index('people_org').on(t.orgUnitId)],
);

/** Appraisal cycles: regular (平时), annual (年度), term (任期). */
export const cycles = pgTable('cycles', {
  id: id(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  nameEn: text('name_en'),
  type: text('type').$type<CycleType>().notNull(),
  periodStart: date('period_start').notNull(),
  periodEnd: date('period_end').notNull(),
  stage: text('stage').$type<Stage>().notNull().default('mission_analysis'),
  /** Grade bands, quotas and tie rule (domain GradeScheme). */
  gradeScheme: jsonb('grade_scheme').$type<GradeScheme>(),
  /** Scoring rules of the cycle: trimming, minimum raters, combined-appraisal share. */
  rules: jsonb('rules').$type<CycleRules>(),
  resultsPublishedAt: timestamp('results_published_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const cycleTransitions = pgTable('cycle_transitions', {
  id: id(),
  cycleId: uuid('cycle_id')
    .notNull()
    .references(() => cycles.id),
  fromStage: text('from_stage').notNull(),
  toStage: text('to_stage').notNull(),
  reason: text('reason'),
  actorId: uuid('actor_id').references(() => users.id),
  at: createdAt(),
});

/** A performance plan 绩效计划 of one appraisee (unit, cadre or project) in one cycle. */
export const plans = pgTable(
  'plans',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    appraiseeType: text('appraisee_type').$type<AppraiseeType>().notNull(),
    orgUnitId: uuid('org_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    personId: uuid('person_id').references(() => people.id),
    title: text('title').notNull(),
    titleEn: text('title_en'),
    status: text('status').$type<PlanStatus>().notNull().default('draft'),
    /** Optimistic concurrency: every tree write must name the version it edited. */
    version: integer('version').notNull().default(1),
    peerGroup: text('peer_group').notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: uuid('approved_by').references(() => users.id),
    overrideReason: text('override_reason'),
    /** Plan owner 计划责任人: edits the plan and reports its values, besides the unit's managers. */
    ownerId: uuid('owner_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('plans_cycle').on(t.cycleId),
    index('plans_owner').on(t.ownerId),
    uniqueIndex('plans_appraisee_unique')
      .on(t.cycleId, t.appraiseeType, t.orgUnitId, t.personId)
      .where(sql`person_id is not null`),
    uniqueIndex('plans_unit_unique')
      .on(t.cycleId, t.appraiseeType, t.orgUnitId)
      .where(sql`person_id is null`),
  ],
);

/** One node of a plan's indicator tree; the tree is rebuilt from parent codes and positions. */
export const indicatorNodes = pgTable(
  'indicator_nodes',
  {
    id: id(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    parentCode: text('parent_code'),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    weight: doublePrecision('weight').notNull(),
    kind: text('kind').$type<NonNullable<IndicatorNodeInput['kind']>>().notNull().default('normal'),
    rule: jsonb('rule').$type<NonNullable<IndicatorNodeInput['rule']>>(),
    unit: text('unit'),
    /** Definition 指标解释: what is measured and how. */
    definition: text('definition'),
    dataSource: text('data_source'),
    direction: text('direction').$type<'higher' | 'lower'>(),
    subjects: jsonb('subjects').$type<NonNullable<IndicatorNodeInput['subjects']>>(),
    veto: jsonb('veto').$type<NonNullable<IndicatorNodeInput['veto']>>(),
    target: doublePrecision('target'),
    baseline: doublePrecision('baseline'),
    plausibleMin: doublePrecision('plausible_min'),
    plausibleMax: doublePrecision('plausible_max'),
    /** Picked from the indicator library: the entry's code and version (indicator_library). */
    libraryCode: text('library_code'),
    libraryVersion: integer('library_version'),
    /** Raters' rubric of a rated leaf: score bands with what each looks like. */
    rubric: jsonb('rubric').$type<NonNullable<IndicatorNodeInput['rubric']>>(),
  },
  (t) => [
    uniqueIndex('indicator_nodes_plan_code').on(t.planId, t.code),
    index('indicator_nodes_library').on(t.libraryCode),
  ],
);

/** Reported actual values; only verified values score. */
export const actualValues = pgTable(
  'actual_values',
  {
    id: id(),
    /**
     * The plan, and below the reporter and the verifier: no foreign key constraints (their checks ran
     * once per row, a third of the database's time for a million-row values import); migration 0035
     * checks each statement's rows at once, deletes a deleted plan's values (as `on delete cascade`
     * did) and refuses to delete a user who reported or verified a value.
     */
    planId: uuid('plan_id').notNull(),
    // Migration 0040 declares the two text columns of the key COLLATE "C" (byte order, drizzle cannot
    // declare a collation): actual_values_unique compares bytes, and ORDER BY code or period follows it.
    indicatorCode: text('indicator_code').notNull(),
    /** ISO period label: `2025`, `2025-Q3` or `2025-09`. */
    period: text('period').notNull(),
    value: doublePrecision('value').notNull(),
    note: text('note'),
    status: text('status').notNull().default('reported'),
    reason: text('reason'),
    reportedBy: uuid('reported_by'),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
    verifiedBy: uuid('verified_by'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** Optimistic concurrency: bumped on every re-report; a verification names the version it saw. */
    version: integer('version').notNull().default(1),
  },
  // Migration 0037 adds INCLUDE (value, status): the compute reads values index-only in plan order.
  (t) => [uniqueIndex('actual_values_unique').on(t.planId, t.indicatorCode, t.period)],
);

/** Rater assignments: who rates which plan as which evaluation subject. */
export const evaluationTasks = pgTable(
  'evaluation_tasks',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    raterId: uuid('rater_id')
      .notNull()
      .references(() => users.id),
    subjectType: text('subject_type').$type<SubjectType>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('evaluation_tasks_unique').on(t.planId, t.raterId, t.subjectType)],
);

/** A rater's score (0–100) of one indicator of one plan; one per rater, indicator and subject. */
export const ratings = pgTable(
  'ratings',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    // Migration 0040: COLLATE "C" on these two text columns of ratings_unique's key, as for actual_values.
    indicatorCode: text('indicator_code').notNull(),
    subjectType: text('subject_type').$type<SubjectType>().notNull(),
    raterId: uuid('rater_id')
      .notNull()
      .references(() => users.id),
    score: doublePrecision('score').notNull(),
    /** Stakeholder relevance (0–1) for public input; 1 for officials. */
    weight: doublePrecision('weight').notNull().default(1),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [
    // Migration 0037 adds INCLUDE (score, weight): the compute reads ratings index-only in plan order.
    uniqueIndex('ratings_unique').on(t.planId, t.indicatorCode, t.subjectType, t.raterId),
    index('ratings_cycle').on(t.cycleId),
  ],
);

/**
 * Computed result of one plan. The breakdown that explains it is not stored: it is derived again,
 * when a result is opened, from the stored inputs by the same domain function (see
 * modules/results/explain.ts), and checked against the stored total.
 */
export const results = pgTable(
  'results',
  {
    id: id(),
    cycleId: uuid('cycle_id')
      .notNull()
      .references(() => cycles.id),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' })
      .unique(),
    total: doublePrecision('total').notNull(),
    weightedScore: doublePrecision('weighted_score').notNull(),
    bonus: doublePrecision('bonus').notNull(),
    deduction: doublePrecision('deduction').notNull(),
    /** Null while the result is incomplete (see `complete`): no grade, rank or consequence. */
    grade: text('grade'),
    gradeByScore: text('grade_by_score'),
    rank: integer('rank'),
    peerGroup: text('peer_group').notNull(),
    peerGroupSize: integer('peer_group_size').notNull(),
    veto: jsonb('veto').$type<VetoOutcome>().notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    /**
     * The appraisee's own score before combined parts (total, weightedScore, bonus, deduction,
     * floored, veto, first-level attainments): what a recompute reuses when the inputs are unchanged.
     */
    own: jsonb('own').$type<ScoreFigures & { firstLevel: FirstLevelAttainment[] }>().notNull(),
    /**
     * What the own score was computed from: plan version, inputs version (plan_input_versions), and
     * hashes of the scoring rules and survey inputs. Unchanged key → the own score still holds.
     */
    inputsKey: text('inputs_key').notNull(),
    /** How stable the rank is under ±10% weight perturbation (Monte Carlo). */
    sensitivity: jsonb('sensitivity').$type<RankStability>(),
    /**
     * False when inputs are missing and the cycle's missing-data rule (or a missing veto leaf or
     * combined part) leaves the result without grade, rank or consequence.
     */
    complete: boolean('complete').notNull().default(true),
    /** What is missing: `[{ code, name, reason }]` (reason unreported | unverified | insufficient_raters | no_estimate | combined_part_missing). */
    missing: jsonb('missing').$type<MissingEntry[]>().notNull().default([]),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('results_cycle').on(t.cycleId)],
);

/**
 * A counter per plan bumped by statement triggers on every insert, update or delete of its actual
 * values or ratings (migration 0007), whoever writes them: a recompute rescores only plans whose
 * counter moved since their result was computed.
 */
export const planInputVersions = pgTable('plan_input_versions', {
  planId: uuid('plan_id')
    .primaryKey()
    .references(() => plans.id, { onDelete: 'cascade' }),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

/**
 * The inputs key at which a recompute last rescored a plan and found its stored result's figures
 * unchanged to the byte (its counter moved, its data did not: a re-import of the same values, a
 * rating saved again). The result row is then left as it is, with the key it was written with, and
 * this key is recorded here instead: a stored result holds for its own `inputs_key` and for this one.
 * Bookkeeping of what need not be rescored again, not a figure (the compute's audit entry counts
 * these plans); deleted when the plan's result is rewritten.
 */
export const resultInputs = pgTable('result_inputs', {
  planId: uuid('plan_id')
    .primaryKey()
    .references(() => plans.id, { onDelete: 'cascade' }),
  inputsKey: text('inputs_key').notNull(),
});

/**
 * Append-only audit log. `entityHash` is the SHA-256 of the row as the platform left it, so a row
 * changed behind the platform's back no longer matches its last entry. Each entry's `hash` covers its
 * own fields; entries are appended without a lock and sealed in batches into audit_seals (a Merkle
 * root per seal, seals chained), see modules/audit/service.ts. Older entries also carry `prevHash`
 * (the global chain of the first design).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    data: jsonb('data'),
    entityHash: text('entity_hash'),
    /** Hash of the previous entry, for entries of the first (globally chained) design; null since. */
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
    /** The seal (audit_seals.id) that covers this entry; null until sealed. */
    seal: integer('seal'),
  },
  (t) => [
    // An entity's entries, looked up one by one for companions (append.ts latestHashes) and by type
    // (baseline.ts). Values' entries (`actual_value`, a million from one import) are never looked up
    // one by one: they stay out of it, so an import does not write an index entry per value
    // (migration 0038; a query reaching this index repeats the condition, AUDIT_ENTITY_INDEXED).
    index('audit_entity')
      .on(t.entityType, t.entityId)
      .where(sql`entity_type <> 'actual_value'`),
    index('audit_unsealed')
      .on(t.seq)
      .where(sql`seal is null`),
  ],
);

export * from './schema-evaluation';
export * from './schema-participation';
export * from './schema-monitoring';
export * from './schema-surveys';
export * from './schema-cycles';
export * from './schema-publication';
export * from './schema-security';
export * from './schema-audit';
export * from './schema-indicators';
export * from './schema-appeal-files';
export * from './schema-jobs';
export * from './schema-linkage';
export * from './schema-training';
export * from './schema-calibration';
export * from './schema-opendata';
