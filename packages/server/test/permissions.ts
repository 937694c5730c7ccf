/**
 * Who may call which route: the declarative table the permission matrix test
 * (`permissions.test.ts`) checks every route of the app against, as every role.
 *
 * - `allow`: roles that must get past the permission check (2xx, or a 4xx other than 401/403);
 *   every other role must get 401 or 403 (or 404 when listed in `hidden`).
 * - `url`: the request path; `{name}` placeholders are ids of the seeded demo city (see FIXTURES in the
 *   test): `eduPlan` is the 2026 plan of the education bureau (published for comment by the test setup),
 *   `finPlan` the 2026 draft of the finance bureau, `edu2025` the approved 2025 plan of education with
 *   reported values, `eduHeadTerm` the term plan of the education bureau's head (cadre), `eduHeadPerson`
 *   that cadre's row in `people`, `missing` a well-formed id that exists nowhere.
 * - `body`: the JSON body; strings `{name}` are replaced too. Without it the test sends a minimal valid
 *   body generated from the route's schema (ids filled in by property name).
 *
 * A route the app serves without an entry here fails the test: new routes must be declared.
 */

export const ROLE_USERS = [
  'anonymous',
  'citizen01', // public participant
  'leader01', // evaluator (city leader), rates the term plans
  'verifier', // statistics bureau, verifies values city-wide
  'edu.head', // appraisee: the cadre heading the education bureau
  'fin.manager', // unit manager of another unit
  'edu.manager', // unit manager of the education bureau
  'office', // performance office
  'admin',
] as const;
export type RoleUser = (typeof ROLE_USERS)[number];

export interface PermissionCase {
  url: string;
  body?: unknown;
  /** Multipart upload (`file` field) instead of JSON. */
  file?: { name: string; type: string; content: string };
  allow: readonly RoleUser[];
  /** Roles denied by a 404: the object is not visible to them at all (also a denial). */
  hidden?: readonly RoleUser[];
  /** Log in anew for this route (logout ends the session it is called with). */
  fresh?: boolean;
  /**
   * Roles allowed in production (`NODE_ENV=production`) when that differs from `allow` (which is what
   * development, the demo and this matrix see); checked by `src/modules/audit/readers.test.ts`.
   */
  production?: readonly RoleUser[];
  note?: string;
}

const ALL = ROLE_USERS;
const SIGNED_IN = ROLE_USERS.filter((r) => r !== 'anonymous');
let unknownLogins = 0;
const NOT_CITIZEN = ROLE_USERS.filter((r) => r !== 'citizen01');
const NOT_CITIZEN_SIGNED_IN = SIGNED_IN.filter((r) => r !== 'citizen01');
const OFFICE = ['office', 'admin'] as const;
/** Those who read an education plan: office, its manager, verifiers, its cadre. */
const EDU_READERS = ['verifier', 'edu.head', 'edu.manager', ...OFFICE] as const;
const EDU_EDITORS = ['edu.manager', ...OFFICE] as const;
/** Raters assigned to the 2025 plans (leader01 as superior, citizen01 on the public panel) read them too. */
const EDU2025_READERS = ['citizen01', 'leader01', ...EDU_READERS] as const;

export const PERMISSIONS: Record<string, PermissionCase> = {
  // Platform and auth
  'GET /api/health': { url: '/api/health', allow: ALL },
  'POST /api/auth/login': {
    url: '/api/auth/login',
    // A new unknown name each call: 5 failures lock a name (429 account_locked), which is not this check.
    body: {
      get username() {
        return `nobody-${++unknownLogins}`;
      },
      password: 'wrong',
    },
    allow: [],
    note: 'wrong password: 401 for everyone',
  },
  'POST /api/auth/totp/setup': {
    url: '/api/auth/totp/setup',
    body: { currentPassword: 'not-the-password' },
    allow: SIGNED_IN,
    note: 'a wrong current password: 400 for everyone signed in, nothing changes',
  },
  'POST /api/auth/totp/recovery-codes': {
    url: '/api/auth/totp/recovery-codes',
    body: { currentPassword: 'not-the-password', code: '000000' },
    allow: SIGNED_IN,
    note: 'no second factor enabled: 400 for everyone signed in, nothing changes',
  },
  'POST /api/auth/totp/enable': {
    url: '/api/auth/totp/enable',
    body: { code: '000000' },
    allow: SIGNED_IN,
    note: 'no enrolment in progress: 400 for everyone signed in',
  },
  'POST /api/auth/totp/disable': {
    url: '/api/auth/totp/disable',
    body: { currentPassword: 'not-the-password', code: '000000' },
    allow: SIGNED_IN,
    note: 'no second factor enabled: 400 for everyone signed in',
  },
  'POST /api/auth/logout': { url: '/api/auth/logout', allow: ALL, fresh: true },
  'GET /api/auth/me': { url: '/api/auth/me', allow: SIGNED_IN },
  'GET /api/auth/config': { url: '/api/auth/config', allow: ALL },
  'POST /api/auth/password': {
    url: '/api/auth/password',
    body: { currentPassword: 'not-the-password', newPassword: 'Another-long-one-1' },
    allow: SIGNED_IN,
    note: 'a wrong current password: 400 for everyone signed in, nothing changes',
  },

  // Organisation and people
  'GET /api/orgs': { url: '/api/orgs', allow: SIGNED_IN },
  'GET /api/people': { url: '/api/people?orgUnitId={edu}', allow: SIGNED_IN },
  // The tree and the cadres are maintained by the office; unit managers only read them.
  'POST /api/orgs': {
    url: '/api/orgs',
    body: { code: 'perm-unit', name: '矩阵测试单位', kind: 'department', parentId: '{fin}' },
    allow: OFFICE,
    note: 'the second allowed role gets 409 (code taken)',
  },
  'PATCH /api/orgs/:id': { url: '/api/orgs/{edu}', body: { nameEn: 'Education Bureau' }, allow: OFFICE },
  'POST /api/people': {
    url: '/api/people',
    body: {
      code: 'perm-cadre',
      name: '矩阵',
      position: '副局长',
      orgUnitId: '{edu}',
      termStart: '2026-01-01',
    },
    allow: OFFICE,
    note: 'the second allowed role gets 409 (code taken)',
  },
  'PATCH /api/people/:id': {
    url: '/api/people/{eduHeadPerson}',
    body: { positionEn: 'Director-General' },
    allow: OFFICE,
  },
  'POST /api/people/:id/end-term': {
    url: '/api/people/{eduHeadPerson}/end-term',
    body: { termEnd: '2026-04-30' },
    allow: OFFICE,
    note: 'ends the term a month early; the second allowed role gets 409 (already ended)',
  },
  'GET /api/users': { url: '/api/users?role=evaluator', allow: OFFICE },
  'POST /api/users/:id/reset-password': {
    url: '/api/users/{missing}/reset-password',
    allow: OFFICE,
    note: 'an id that exists nowhere: 404 past the permission check',
  },
  'PUT /api/users/:id/roles': {
    url: '/api/users/{missing}/roles',
    body: { roles: [] },
    allow: [],
    note: 'the security administrator only (三员分立); none of these accounts is one: see users/duties.test.ts',
  },
  // Org import (units, cadres, accounts) by the office.
  'GET /api/import/:kind/template': { url: '/api/import/units/template', allow: OFFICE },
  'POST /api/import/:kind/preview': {
    url: '/api/import/units/preview',
    file: {
      name: 'u.csv',
      type: 'text/csv',
      content: 'code,name,kind,parentCode\nperm-u,矩阵,department,city\n',
    },
    allow: OFFICE,
  },
  'POST /api/import/:kind/commit': {
    url: '/api/import/units/commit',
    file: {
      name: 'u.csv',
      type: 'text/csv',
      content: 'code,name,kind,parentCode\nperm-u,矩阵,department,nowhere\n',
    },
    allow: OFFICE,
    note: 'an unknown parent: 400 past the permission check, nothing written',
  },

  // Cycles
  'GET /api/cycles': { url: '/api/cycles', allow: SIGNED_IN },
  'POST /api/cycles': {
    url: '/api/cycles',
    body: { code: 'perm-x', name: 'x', type: 'annual', periodStart: '2027-01-01', periodEnd: '2027-12-31' },
    allow: OFFICE,
  },
  'GET /api/cycles/:id': { url: '/api/cycles/{c2026}', allow: SIGNED_IN },
  'POST /api/cycles/:id/transition': {
    url: '/api/cycles/{cNew}/transition',
    body: { to: 'mission_analysis', reason: 'matrix' },
    allow: OFFICE,
  },
  'GET /api/cycles/:id/transition-check': { url: '/api/cycles/{c2026}/transition-check', allow: OFFICE },
  'POST /api/cycles/:id/compute': { url: '/api/cycles/{cTerm}/compute', allow: OFFICE },
  // Citizens (public role only) read results through /api/public/* only (issue 14): 403 officials_only.
  'GET /api/cycles/:id/results': { url: '/api/cycles/{c2025}/results', allow: NOT_CITIZEN_SIGNED_IN },
  'POST /api/cycles/:id/publish-results': { url: '/api/cycles/{c2025}/publish-results', allow: OFFICE },
  'GET /api/cycles/:id/publication': { url: '/api/cycles/{c2025}/publication', allow: OFFICE },
  'POST /api/cycles/:id/publication/withdraw': {
    url: '/api/cycles/{c2026}/publication/withdraw',
    body: { reason: 'matrix test' },
    allow: OFFICE,
    note: 'an unpublished cycle: the office gets 409 not_published (the 2025 publication stays)',
  },
  'POST /api/cycles/:id/corrections': {
    url: '/api/cycles/{c2026}/corrections',
    body: { planId: '{eduPlan}', indicatorCode: '{eduPlanLeaf}', value: 1, justification: 'matrix test' },
    allow: OFFICE,
    note: 'an unpublished cycle: the office gets 409 not_published',
  },
  'GET /api/cycles/:id/rules': { url: '/api/cycles/{c2026}/rules', allow: SIGNED_IN },
  'PUT /api/cycles/:id/rules': { url: '/api/cycles/{c2026}/rules', body: { rules: {} }, allow: OFFICE },
  'POST /api/cycles/:id/tasks': {
    url: '/api/cycles/{cTerm}/tasks',
    body: { planIds: ['{eduHeadTerm}'], subjectType: 'peer', raterIds: ['{leader01Id}'] },
    allow: OFFICE,
  },
  'GET /api/cycles/:id/panels': { url: '/api/cycles/{cTerm}/panels', allow: OFFICE },
  'GET /api/cycles/:id/rater-quality': { url: '/api/cycles/{cTerm}/rater-quality', allow: OFFICE },

  // Plans
  'GET /api/plans': { url: '/api/plans?cycleId={c2026}', allow: SIGNED_IN },
  'GET /api/plans/:id': { url: '/api/plans/{eduPlan}', allow: EDU_READERS },
  'PUT /api/plans/:id/tree': {
    url: '/api/plans/{eduPlan}/tree',
    body: { tree: [], version: 1 },
    allow: EDU_EDITORS,
  },
  'POST /api/plans/:id/submit': { url: '/api/plans/{eduPlan}/submit', allow: EDU_EDITORS },
  'GET /api/plans/:id/entropy-history': { url: '/api/plans/{eduPlan}/entropy-history', allow: EDU_EDITORS },
  'POST /api/plans/:id/approve': { url: '/api/plans/{finPlan}/approve', body: {}, allow: OFFICE },
  // Plan set-up (office): bodies chosen to pass the permission check without writing (a published cycle, a missing id).
  'GET /api/plan-templates': { url: '/api/plan-templates', allow: SIGNED_IN },
  'POST /api/plans': {
    url: '/api/plans',
    body: {
      appraiseeType: 'unit',
      cycleId: '{c2025}',
      orgUnitId: '{edu}',
      source: { kind: 'template', template: 'department-annual' },
    },
    allow: OFFICE,
    note: 'the 2025 cycle is past planning: the office gets 409 wrong_stage',
  },
  'POST /api/plans/bulk': {
    url: '/api/plans/bulk',
    body: {
      cycleId: '{c2025}',
      target: { appraiseeType: 'unit' },
      source: { kind: 'template', template: 'department-annual' },
    },
    allow: OFFICE,
    note: 'the 2025 cycle is past planning: the office gets 409 wrong_stage',
  },
  'POST /api/plans/bulk-approve': {
    url: '/api/plans/bulk-approve',
    body: { planIds: ['{missing}'] },
    allow: OFFICE,
  },
  'POST /api/plans/default-owners': {
    url: '/api/plans/default-owners',
    body: { cycleId: '{missing}' },
    allow: OFFICE,
  },
  'PUT /api/plans/:id/owner': { url: '/api/plans/{missing}/owner', body: { ownerId: null }, allow: OFFICE },

  // Values and evidence
  'GET /api/plans/:id/values': { url: '/api/plans/{edu2025}/values', allow: EDU2025_READERS },
  // The unit's values: its managers and the office (the cadre reports on the cadre's own plan only).
  'POST /api/plans/:id/values': {
    url: '/api/plans/{edu2025}/values',
    body: { indicatorCode: '{edu2025Leaf}', period: '2025', value: 1 },
    allow: EDU_EDITORS,
  },
  'POST /api/plans/:id/values/bulk': {
    url: '/api/plans/{edu2025}/values/bulk',
    body: { rows: [{ indicatorCode: '{edu2025Leaf}', period: '2025', value: 1 }] },
    allow: EDU_EDITORS,
  },
  'POST /api/plans/:id/values/import': {
    url: '/api/plans/{edu2025}/values/import',
    file: { name: 'v.csv', type: 'text/csv', content: 'indicatorCode,period,value\n{edu2025Leaf},2025,1\n' },
    allow: EDU_EDITORS,
  },
  'POST /api/values/:id/verify': {
    url: '/api/values/{eduValue}/verify',
    body: { decision: 'verified', version: 1 },
    allow: ['verifier', ...OFFICE],
  },
  'POST /api/values/:id/evidence': {
    url: '/api/values/{eduValue}/evidence',
    file: { name: 'e.txt', type: 'text/plain', content: 'evidence' },
    allow: EDU_EDITORS,
  },
  // Evidence is readable with the plan (SECURITY.md: raters of the plan see it too — under review).
  'GET /api/values/:id/evidence': { url: '/api/values/{eduValue}/evidence', allow: EDU2025_READERS },
  'GET /api/evidence/:id': { url: '/api/evidence/{evidence}', allow: EDU2025_READERS },

  // Ratings
  'GET /api/plans/:id/ratings': { url: '/api/plans/{eduHeadTerm}/ratings', allow: OFFICE },
  'POST /api/plans/:id/ratings': {
    url: '/api/plans/{eduHeadTerm}/ratings',
    body: { indicatorCode: '{eduHeadTermLeaf}', subjectType: 'superior', score: 80 },
    allow: ['leader01'],
  },
  'GET /api/ratings/tasks': { url: '/api/ratings/tasks', allow: SIGNED_IN },

  // Results, appeals, audit
  'GET /api/results/:id': {
    url: '/api/results/{eduResult}',
    allow: NOT_CITIZEN,
    note: 'the 2025 results are published: public like /api/public/results/:id',
  },
  'POST /api/results/:id/appeals': {
    url: '/api/results/{eduResult}/appeals',
    body: { indicatorCode: '{edu2025Leaf}', reason: 'the data is wrong' },
    allow: ['edu.manager'],
    note: 'the appraisee (here the unit, through its manager) appeals; the office decides',
  },
  'GET /api/results/:id/revisions': { url: '/api/results/{eduResult}/revisions', allow: NOT_CITIZEN },
  'GET /api/appeals': { url: '/api/appeals?cycleId={c2025}', allow: SIGNED_IN },
  'POST /api/appeals/:id/decide': {
    url: '/api/appeals/{appeal}/decide',
    body: { decision: 'rejected', reason: 'no' },
    allow: OFFICE,
  },
  // Appeal evidence: the parties to the appeal (here the education bureau's manager) and the office.
  'POST /api/appeals/:id/files': {
    url: '/api/appeals/{appeal}/files',
    file: { name: 'a.txt', type: 'text/plain', content: 'evidence' },
    allow: ['edu.manager', ...OFFICE],
    note: 'once the office has decided the appeal (above), the parties get 409: the file set is closed',
  },
  'GET /api/appeals/:id/files': { url: '/api/appeals/{appeal}/files', allow: ['edu.manager', ...OFFICE] },
  'GET /api/appeal-files/:id': { url: '/api/appeal-files/{appealFile}', allow: ['edu.manager', ...OFFICE] },
  // Training material of a cycle: the office manages it; raters of the cycle (citizen01 is on a 2025 public
  // panel) and staff roles read it.
  'GET /api/cycles/:id/materials': { url: '/api/cycles/{c2025}/materials', allow: SIGNED_IN },
  'POST /api/cycles/:id/materials': {
    url: '/api/cycles/{c2025}/materials',
    file: { name: 'guide.txt', type: 'text/plain', content: 'how to score' },
    allow: OFFICE,
  },
  'POST /api/cycles/:id/material-links': {
    url: '/api/cycles/{c2025}/material-links',
    body: { title: '培训', url: 'https://example.gov.cn/training' },
    allow: OFFICE,
  },
  'GET /api/cycle-materials/:id': {
    url: '/api/cycle-materials/{missing}',
    allow: SIGNED_IN,
    note: 'no such material: every signed-in user gets 404, the anonymous 401',
  },
  'DELETE /api/cycle-materials/:id': { url: '/api/cycle-materials/{missing}', allow: OFFICE },
  // Raters' calibration exercise: the office manages cases and sees every rater's status; raters of the cycle
  // (leader01 rates the 2025 plans as superior, citizen01 sits on a public panel, the heads and managers
  // here sit on peer panels) answer the cases; the verifier holds no task.
  'GET /api/cycles/:id/calibration': {
    url: '/api/cycles/{c2025}/calibration',
    allow: ['citizen01', 'leader01', 'edu.head', 'fin.manager', 'edu.manager', ...OFFICE],
  },
  'POST /api/cycles/:id/calibration/cases': {
    url: '/api/cycles/{c2025}/calibration/cases',
    body: {
      title: '政务公开',
      indicatorName: '政务公开工作',
      description: '按时公开预决算，主动公开率 98%。',
      rubric: [
        { min: 80, max: 100, label: '好', description: '全部按时公开' },
        { min: 0, max: 79, label: '差', description: '多项未公开' },
      ],
      panelScores: [85, 88, 90],
    },
    allow: OFFICE,
  },
  'POST /api/cycles/:id/calibration/derive': {
    url: '/api/cycles/{c2025}/calibration/derive',
    body: {
      planId: '{missing}',
      indicatorCode: 'X1',
      subjectType: 'superior',
      title: '案例',
      description: '案例说明',
    },
    allow: OFFICE,
    note: 'no such plan: 404 for the office',
  },
  'GET /api/cycles/:id/calibration/candidates': {
    url: '/api/cycles/{c2025}/calibration/candidates',
    allow: OFFICE,
  },
  'GET /api/cycles/:id/calibration/status': { url: '/api/cycles/{c2025}/calibration/status', allow: OFFICE },
  'DELETE /api/calibration-cases/:id': { url: '/api/calibration-cases/{missing}', allow: OFFICE },
  'POST /api/calibration-cases/:id/answer': {
    url: '/api/calibration-cases/{missing}/answer',
    body: { score: 80 },
    allow: SIGNED_IN,
    note: 'no such case: 404 for everyone signed in; only raters of the cycle answer (calibration.test.ts)',
  },
  // The current user's work; the verifier's queue across plans and its bulk decisions.
  'GET /api/todo': { url: '/api/todo', allow: SIGNED_IN },
  'GET /api/values/queue': { url: '/api/values/queue', allow: ['verifier', ...OFFICE] },
  'POST /api/values/bulk-verify': {
    url: '/api/values/bulk-verify',
    body: { decision: 'verified', items: [{ id: '{eduValue}', version: 1 }] },
    allow: ['verifier', ...OFFICE],
    note: 'the 2025 cycle is published: each value fails with cycle_published, the answer is 200',
  },
  // 三员分立: in production the audit administrator only (none of these accounts); the demo lets the office read.
  'GET /api/audit': { url: '/api/audit?limit=5', allow: OFFICE, production: [] },
  'GET /api/audit/verify': { url: '/api/audit/verify', allow: OFFICE, production: [] },

  // Evaluation
  'POST /api/evaluation/third-parties': {
    url: '/api/evaluation/third-parties',
    body: { username: 'tp-matrix', displayName: 'x' },
    allow: OFFICE,
  },

  // Public portal: everyone, signed in or not
  'GET /api/public/cycles': { url: '/api/public/cycles', allow: ALL },
  'GET /api/public/cycles/:id/regulations': { url: '/api/public/cycles/{c2025}/regulations', allow: ALL },
  'GET /api/public/cycles/:id/stages': { url: '/api/public/cycles/{c2025}/stages', allow: ALL },
  'GET /api/public/orgs': { url: '/api/public/orgs', allow: ALL },
  'GET /api/public/people': { url: '/api/public/people?orgUnitId={edu}', allow: ALL },
  'GET /api/public/plans': { url: '/api/public/plans?cycleId={c2026}', allow: ALL },
  'GET /api/public/plans/:id': { url: '/api/public/plans/{eduPlan}', allow: ALL },
  'GET /api/public/results': { url: '/api/public/results?cycleId={c2025}', allow: ALL },
  'GET /api/public/results/:id': { url: '/api/public/results/{eduResult}', allow: ALL },
  'GET /api/public/results/:id/revisions': { url: '/api/public/results/{eduResult}/revisions', allow: ALL },
  'GET /api/public/cycles/:id/publication': { url: '/api/public/cycles/{c2025}/publication', allow: ALL },
  'GET /api/public/cycles/:id/disclosure': { url: '/api/public/cycles/{c2025}/disclosure', allow: ALL },
  'PUT /api/cycles/:id/disclosure': {
    url: '/api/cycles/{c2026}/disclosure',
    body: { unitResults: true, cadreGrades: true, cadreConsequences: false },
    allow: OFFICE,
    note: 'the default policy set again on the unpublished 2026 cycle',
  },
  // Open data of a published cycle: anyone, logged in or not.
  'GET /api/public/cycles/:id/bundle': { url: '/api/public/cycles/{c2025}/bundle', allow: ALL },
  'GET /api/public/cycles/:id/bundle/digest': { url: '/api/public/cycles/{c2025}/bundle/digest', allow: ALL },
  'GET /api/public/cycles/:id/results.csv': { url: '/api/public/cycles/{c2025}/results.csv', allow: ALL },
  'GET /api/public/cycles/:id/results.xlsx': { url: '/api/public/cycles/{c2025}/results.xlsx', allow: ALL },
  'GET /api/public/cycles/:id/regulations/text': {
    url: '/api/public/cycles/{c2025}/regulations/text',
    allow: ALL,
  },
  'GET /api/public/surveys': { url: '/api/public/surveys', allow: ALL },
  'GET /api/public/surveys/:id': { url: '/api/public/surveys/{survey}', allow: ALL },
  'GET /api/public/surveys/:id/open': { url: '/api/public/surveys/{survey}/open', allow: ALL },
  'POST /api/public/surveys/:id/open': {
    url: '/api/public/surveys/{survey}/open',
    body: { answers: {}, profile: {} },
    allow: ALL,
  },
  'GET /api/public/s/:token': { url: '/api/public/s/{token}', allow: ALL },
  'POST /api/public/s/:token': { url: '/api/public/s/{token}', body: { answers: {} }, allow: ALL },
  'PUT /api/public/s/:token/draft': { url: '/api/public/s/{token}/draft', body: { answers: {} }, allow: ALL },
  'GET /api/public/participation/needs': {
    url: '/api/public/participation/needs?cycleId={c2026}&orgUnitId={edu}',
    allow: ALL,
  },
  'GET /api/public/participation/needs/clusters': {
    url: '/api/public/participation/needs/clusters?cycleId={c2026}&orgUnitId={edu}',
    allow: ALL,
  },
  'GET /api/public/participation/needs/coverage': {
    url: '/api/public/participation/needs/coverage?cycleId={c2026}&orgUnitId={edu}',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/comments': {
    url: '/api/public/participation/plans/{eduPlan}/comments',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/threads': {
    url: '/api/public/participation/plans/{eduPlan}/threads',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/counseling': {
    url: '/api/public/participation/plans/{eduPlan}/counseling',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/rating-form': {
    url: '/api/public/participation/plans/{edu2025}/rating-form',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/ratings': {
    url: '/api/public/participation/plans/{edu2025}/ratings',
    allow: ALL,
  },
  'GET /api/public/participation/plans/:id/interviews': {
    url: '/api/public/participation/plans/{edu2025}/interviews',
    allow: ALL,
  },
  'GET /api/public/participation/improvements': { url: '/api/public/participation/improvements', allow: ALL },
  'GET /api/public/participation/report': {
    url: '/api/public/participation/report?cycleId={c2026}&orgUnitId={edu}',
    allow: ALL,
  },

  // Participation: participants
  'POST /api/participation/register': {
    url: '/api/participation/register',
    body: { email: 'bad', password: 'x', displayName: '' },
    allow: ALL,
    note: 'invalid on purpose (400 for all): registering is open to anyone',
  },
  'POST /api/participation/invitations': {
    url: '/api/participation/invitations',
    body: { orgUnitId: '{edu}' },
    allow: EDU_EDITORS,
  },
  'GET /api/participation/profile': { url: '/api/participation/profile', allow: ['citizen01'] },
  'POST /api/participation/my-data': {
    url: '/api/participation/my-data',
    allow: SIGNED_IN,
    note: 'PIPL: every account downloads its own data (a job; audited; the file for that account only)',
  },
  'POST /api/participation/delete-account': {
    url: '/api/participation/delete-account',
    body: { currentPassword: 'not-the-password' },
    allow: ['citizen01'],
    note: 'a wrong password: 400 for the participant; officials close accounts through the administrator (403)',
  },
  'PUT /api/participation/profile': {
    url: '/api/participation/profile',
    body: { category: 'urban_resident' },
    allow: ['citizen01'],
  },
  'POST /api/participation/relationships': {
    url: '/api/participation/relationships',
    body: { orgUnitId: '{edu}', kind: 'service_recipient' },
    allow: ['citizen01'],
  },
  'DELETE /api/participation/relationships/:id': {
    url: '/api/participation/relationships/{relationship}',
    allow: ['citizen01'],
  },
  'POST /api/participation/units/:id/service-records': {
    url: '/api/participation/units/{edu}/service-records',
    body: { csv: 'contact,kind\n' },
    allow: EDU_EDITORS,
  },

  // Participation: needs, comments, threads, counseling
  'POST /api/participation/needs': {
    url: '/api/participation/needs',
    body: { cycleId: '{c2026}', orgUnitId: '{edu}', title: 'matrix', body: 'matrix need' },
    allow: ['citizen01'],
  },
  'GET /api/participation/needs': {
    url: '/api/participation/needs?cycleId={c2026}&orgUnitId={edu}',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/needs/:id/support': {
    url: '/api/participation/needs/{need}/support',
    allow: ['citizen01'],
  },
  'POST /api/participation/needs/:id/links': {
    url: '/api/participation/needs/{need}/links',
    body: { indicatorCode: '{eduPlanLeaf}' },
    allow: EDU_EDITORS,
  },
  'DELETE /api/participation/needs/:id/links/:code': {
    url: '/api/participation/needs/{need}/links/{eduPlanLeaf}',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/moderate': {
    url: '/api/participation/moderate',
    body: { kind: 'need', id: '{need}', action: 'show' },
    allow: EDU_EDITORS,
  },
  'POST /api/participation/plans/:id/comments': {
    url: '/api/participation/plans/{eduPlan}/comments',
    body: { body: 'matrix comment' },
    allow: ['citizen01'],
  },
  'GET /api/participation/plans/:id/comments': {
    url: '/api/participation/plans/{eduPlan}/comments',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/comments/:id/answer': {
    url: '/api/participation/comments/{comment}/answer',
    body: { answer: 'answered' },
    allow: EDU_EDITORS,
  },
  'POST /api/participation/plans/:id/threads': {
    url: '/api/participation/plans/{eduPlan}/threads',
    body: { title: 't', body: 'b' },
    allow: ['citizen01', 'edu.head', ...EDU_EDITORS],
    hidden: ['anonymous'],
  },
  'GET /api/participation/plans/:id/threads': {
    url: '/api/participation/plans/{eduPlan}/threads',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/threads/:id/posts': {
    url: '/api/participation/threads/{thread}/posts',
    body: { body: 'p' },
    allow: ['citizen01', 'edu.head', ...EDU_EDITORS],
    hidden: ['anonymous'],
  },
  'POST /api/participation/plans/:id/counseling': {
    url: '/api/participation/plans/{eduPlan}/counseling',
    body: { heldOn: '2026-07-01', attendees: ['a'], issues: [], actions: [] },
    allow: EDU_EDITORS,
  },

  // Participation: public ratings, feedback, improvements, report
  'POST /api/participation/plans/:id/public-ratings': {
    url: '/api/participation/plans/{edu2025}/public-ratings',
    body: { scores: {} },
    allow: ['citizen01'],
  },
  'GET /api/participation/plans/:id/seat-proposals': {
    url: '/api/participation/plans/{edu2025}/seat-proposals',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/plans/:id/interviews': {
    url: '/api/participation/plans/{edu2025}/interviews',
    body: { heldOn: '2026-03-01', title: 'feedback' },
    allow: EDU_EDITORS,
  },
  'GET /api/participation/plans/:id/interviews': {
    url: '/api/participation/plans/{edu2025}/interviews',
    allow: EDU_EDITORS,
  },
  'POST /api/participation/interviews/:id/record': {
    url: '/api/participation/interviews/{interview}/record',
    body: { record: 'r', attendedUserIds: [] },
    allow: EDU_EDITORS,
  },
  'POST /api/participation/plans/:id/improvements': {
    url: '/api/participation/plans/{edu2025}/improvements',
    body: { title: 'i', actions: [{ action: 'a', owner: 'o', deadline: '2026-09-30' }] },
    allow: EDU_EDITORS,
  },
  'POST /api/participation/improvement-actions/:id': {
    url: '/api/participation/improvement-actions/{improvementAction}',
    body: { status: 'in_progress' },
    allow: EDU_EDITORS,
  },
  'POST /api/participation/improvements/:id/follow': {
    url: '/api/participation/improvements/{improvement}/follow',
    body: { follow: true },
    allow: ['citizen01'],
  },
  'GET /api/participation/report': {
    url: '/api/participation/report?cycleId={c2026}&orgUnitId={edu}',
    allow: EDU_EDITORS,
  },

  // Surveys (the office runs them)
  'GET /api/surveys': { url: '/api/surveys', allow: OFFICE },
  'POST /api/surveys': { url: '/api/surveys', allow: OFFICE },
  'POST /api/surveys/sample-size': {
    url: '/api/surveys/sample-size',
    body: { marginOfError: 0.05, confidence: 0.95 },
    allow: OFFICE,
  },
  'GET /api/surveys/:id': { url: '/api/surveys/{survey}', allow: OFFICE },
  'PATCH /api/surveys/:id': { url: '/api/surveys/{survey}', body: {}, allow: OFFICE },
  'GET /api/surveys/:id/versions': { url: '/api/surveys/{survey}/versions', allow: OFFICE },
  'PUT /api/surveys/:id/questionnaire': { url: '/api/surveys/{survey}/questionnaire', allow: OFFICE },
  'POST /api/surveys/:id/frame': {
    url: '/api/surveys/{survey}/frame',
    body: { rows: [{ district: 'dc' }] },
    allow: OFFICE,
  },
  'POST /api/surveys/:id/frame/import': {
    url: '/api/surveys/{survey}/frame/import',
    file: { name: 'f.csv', type: 'text/csv', content: 'district\ndc\n' },
    allow: OFFICE,
  },
  'POST /api/surveys/:id/sample': {
    url: '/api/surveys/{survey}/sample',
    body: { size: 10, allocation: 'proportional', seed: 's' },
    allow: OFFICE,
  },
  'GET /api/surveys/:id/sample': { url: '/api/surveys/{survey}/sample', allow: OFFICE },
  'POST /api/surveys/:id/start': { url: '/api/surveys/{survey}/start', allow: OFFICE },
  'POST /api/surveys/:id/close': { url: '/api/surveys/{survey}/close', allow: OFFICE },
  'GET /api/surveys/:id/fieldwork': { url: '/api/surveys/{survey}/fieldwork', allow: OFFICE },
  'GET /api/surveys/:id/invitations': { url: '/api/surveys/{survey}/invitations', allow: OFFICE },
  'POST /api/surveys/:id/invitations/issue': {
    url: '/api/surveys/{survey}/invitations/issue',
    allow: OFFICE,
  },
  'POST /api/surveys/:id/invitations/regenerate': {
    url: '/api/surveys/{survey}/invitations/regenerate',
    body: { confirm: false },
    allow: OFFICE,
    note: 'unconfirmed: 400 for the office, nothing changes',
  },
  'PUT /api/surveys/:id/invitations/:invitationId/outcome': {
    url: '/api/surveys/{survey}/invitations/{missing}/outcome',
    body: { outcome: 'refused' },
    allow: OFFICE,
  },
  'POST /api/surveys/:id/outcomes': {
    url: '/api/surveys/{survey}/outcomes',
    body: { code: 'ABCDEFGHJK', outcome: 'refused' },
    allow: OFFICE,
  },
  'POST /api/surveys/:id/interviews': {
    url: '/api/surveys/{survey}/interviews',
    body: { code: 'ABCDEFGH', mode: 'phone', answers: {} },
    allow: OFFICE,
  },
  'GET /api/surveys/:id/analysis': { url: '/api/surveys/{survey}/analysis', allow: OFFICE },
  'POST /api/surveys/:id/export': { url: '/api/surveys/{survey}/export', allow: OFFICE },
  'POST /api/surveys/:id/publish': { url: '/api/surveys/{survey}/publish', body: {}, allow: OFFICE },

  // Monitoring
  // Lists filtered to what each role may see: every signed-in user gets an answer (often empty).
  'GET /api/monitoring/flags': { url: '/api/monitoring/flags?cycleId={c2025}', allow: SIGNED_IN },
  'GET /api/monitoring/plans/:id/flags': {
    url: '/api/monitoring/plans/{edu2025}/flags',
    allow: ['verifier', ...OFFICE],
  },
  'GET /api/monitoring/periods': {
    url: '/api/monitoring/periods?cycleId={c2026}',
    allow: ALL,
    note: 'the reporting calendar is public',
  },
  'PUT /api/monitoring/periods': {
    url: '/api/monitoring/periods',
    body: { cycleId: '{c2026}', frequency: 'quarterly' },
    allow: OFFICE,
  },
  'GET /api/monitoring/trajectory': { url: '/api/monitoring/trajectory?cycleId={c2025}', allow: SIGNED_IN },
  'GET /api/monitoring/plans/:id/trajectory': {
    url: '/api/monitoring/plans/{edu2025}/trajectory',
    allow: EDU_READERS,
  },
  'POST /api/monitoring/warnings/run': {
    url: '/api/monitoring/warnings/run',
    body: { cycleId: '{c2026}' },
    allow: OFFICE,
  },
  'GET /api/monitoring/warnings': { url: '/api/monitoring/warnings?cycleId={c2026}', allow: SIGNED_IN },
  'POST /api/monitoring/warnings/:id/tasks': {
    url: '/api/monitoring/warnings/{warning}/tasks',
    body: { deadline: '2099-09-30' },
    allow: EDU_EDITORS,
  },
  'GET /api/monitoring/overdue': { url: '/api/monitoring/overdue?cycleId={c2026}', allow: SIGNED_IN },
  'POST /api/monitoring/reminders/run': {
    url: '/api/monitoring/reminders/run',
    body: { cycleId: '{c2026}' },
    allow: OFFICE,
  },
  'GET /api/monitoring/tasks': { url: '/api/monitoring/tasks?cycleId={c2026}', allow: SIGNED_IN },
  'POST /api/monitoring/tasks/:id/status': {
    url: '/api/monitoring/tasks/{task}/status',
    body: { status: 'in_progress' },
    allow: EDU_EDITORS,
    note: 'the owner (here edu.manager), the unit manager or the office',
  },
  // Target responsibility agreements: sign-offs and mid-cycle revisions of approved plans.
  'GET /api/plans/:id/signoffs': { url: '/api/plans/{edu2025}/signoffs', allow: EDU2025_READERS },
  'POST /api/plans/:id/signoffs': {
    url: '/api/plans/{edu2025}/signoffs',
    body: { side: 'appraisee' },
    allow: ['edu.manager'],
    note: 'the appraisee side: the unit manager (or the cadre of a cadre plan); the office signs its own side',
  },
  'GET /api/plans/:id/revisions': { url: '/api/plans/{edu2025}/revisions', allow: EDU2025_READERS },
  'POST /api/plans/:id/revisions': {
    url: '/api/plans/{edu2025}/revisions',
    body: {
      justification: 'the target must change',
      changes: [{ code: '{edu2025Leaf}', field: 'target', to: 1 }],
    },
    allow: EDU_EDITORS,
  },
  'POST /api/revisions/:id/decide': {
    url: '/api/revisions/{revision}/decide',
    body: { decision: 'approved' },
    allow: OFFICE,
  },
  'GET /api/monitoring/revisions': { url: '/api/monitoring/revisions?cycleId={c2025}', allow: SIGNED_IN },
  'GET /api/notifications': { url: '/api/notifications', allow: SIGNED_IN },
  'POST /api/notifications/read-all': { url: '/api/notifications/read-all', allow: SIGNED_IN },
  'POST /api/notifications/:id/read': { url: '/api/notifications/{missing}/read', allow: SIGNED_IN },
  'GET /api/notifications/settings': { url: '/api/notifications/settings', allow: SIGNED_IN },
  'PUT /api/notifications/settings': {
    url: '/api/notifications/settings',
    body: { inApp: true, email: false, sms: false },
    allow: SIGNED_IN,
  },
  // Durable jobs: one's own; another user's job is not found (404), as if it did not exist.
  'GET /api/jobs': { url: '/api/jobs', allow: SIGNED_IN },
  'GET /api/jobs/:id': { url: '/api/jobs/{missing}', allow: SIGNED_IN },
  // The file a job made (an export): its creator only, anyone else 404.
  'GET /api/jobs/:id/file': { url: '/api/jobs/{missing}/file', allow: SIGNED_IN },
  // Indicator library (officials read, the office writes) and performance database (officials).
  'GET /api/indicators': { url: '/api/indicators', allow: NOT_CITIZEN_SIGNED_IN },
  'POST /api/indicators': {
    url: '/api/indicators',
    body: {
      code: 'PERM-IND',
      name: '矩阵测试指标',
      category: 'governance',
      measure: 'quantitative',
      definition: '测试',
      polarity: 'higher',
      frequency: 'annual',
      weightMin: 5,
      weightMax: 10,
      mission: '测试',
    },
    allow: OFFICE,
    note: 'the second allowed role gets 409 (code taken)',
  },
  'GET /api/indicators/:code': { url: '/api/indicators/ECO-GDP-GROWTH', allow: NOT_CITIZEN_SIGNED_IN },
  'GET /api/indicators/:code/versions/:version': {
    url: '/api/indicators/ECO-GDP-GROWTH/versions/1',
    allow: NOT_CITIZEN_SIGNED_IN,
  },
  'PUT /api/indicators/:code': {
    url: '/api/indicators/ECL-FOREST',
    body: {
      name: '森林覆盖率',
      category: 'ecology',
      measure: 'quantitative',
      definition: '森林面积占土地总面积的比例。',
      polarity: 'higher',
      frequency: 'annual',
      weightMin: 5,
      weightMax: 15,
      mission: '守护生态屏障',
      version: 1,
      changeNote: '矩阵测试',
    },
    allow: OFFICE,
    note: 'the second allowed role gets 409 (version 1 is superseded by then)',
  },
  'POST /api/indicators/:code/retire': {
    url: '/api/indicators/ECL-FOREST/retire',
    body: { version: 99, reason: '矩阵测试' },
    allow: OFFICE,
    note: 'a stale version: 409 for the office, nothing retired',
  },
  'GET /api/performance/history': {
    url: '/api/performance/history?orgUnitId={edu}&libraryCode=GOV-HOTLINE-ONTIME-DEPT',
    allow: NOT_CITIZEN_SIGNED_IN,
  },
  'GET /api/performance/peers': {
    url: '/api/performance/peers?cycleId={c2025}&peerGroup=social&libraryCode=GOV-HOTLINE-ONTIME-DEPT',
    allow: NOT_CITIZEN_SIGNED_IN,
  },
  'GET /api/plans/:id/target-aid': { url: '/api/plans/{eduPlan}/target-aid?code=B2', allow: EDU_READERS },
  'GET /api/public/orgs/:id/indicator-history': {
    url: '/api/public/orgs/{edu}/indicator-history',
    allow: ALL,
  },
  // Data linkage: hotline and review imports, rates, mapping and feed, findings (docs/linkage.md).
  'POST /api/linkage/import/:source/preview': {
    url: '/api/linkage/import/hotline/preview',
    file: {
      name: 'o.csv',
      type: 'text/csv',
      content: '工单编号,来电时间,承办单位\nP1,2026-03-02 09:00,edu\n',
    },
    allow: OFFICE,
  },
  'POST /api/linkage/import/:source/commit': {
    url: '/api/linkage/import/hotline/commit',
    file: {
      name: 'o.csv',
      type: 'text/csv',
      content: '工单编号,来电时间,承办单位\nP1,2026-03-02 09:00,nowhere\n',
    },
    allow: OFFICE,
    note: 'queued as a job (202) past the permission check; its unknown unit fails the job, nothing written',
  },
  'GET /api/linkage/batches': { url: '/api/linkage/batches', allow: OFFICE },
  // The city's cut-offs of the rates: read by whoever reads rates, set by the office.
  'GET /api/linkage/settings': {
    url: '/api/linkage/settings',
    allow: ['verifier', 'edu.head', 'fin.manager', 'edu.manager', ...OFFICE],
  },
  'PUT /api/linkage/settings': {
    url: '/api/linkage/settings',
    body: {
      responseLimitMinutes: 120,
      partialResolution: 0,
      basicSatisfaction: 1,
      excludeConsultations: true,
    },
    allow: OFFICE,
  },
  'GET /api/linkage/rates': {
    url: '/api/linkage/rates',
    allow: ['verifier', 'edu.head', 'fin.manager', 'edu.manager', ...OFFICE],
    note: 'units read the rates of their own subtree only (linkage.test.ts)',
  },
  'GET /api/cycles/:id/linkage/mappings': { url: '/api/cycles/{c2026}/linkage/mappings', allow: OFFICE },
  'POST /api/cycles/:id/linkage/mappings': {
    url: '/api/cycles/{c2026}/linkage/mappings',
    body: { indicatorCode: 'PERM-X', metric: 'on_time_rate' },
    allow: OFFICE,
  },
  'DELETE /api/cycles/:id/linkage/mappings/:mappingId': {
    url: '/api/cycles/{c2026}/linkage/mappings/{missing}',
    allow: OFFICE,
    note: 'a missing mapping: 404 for the office',
  },
  'POST /api/cycles/:id/linkage/feed': {
    url: '/api/cycles/{c2026}/linkage/feed',
    body: {},
    allow: OFFICE,
    note: 'draft plans get no value',
  },
  'GET /api/cycles/:id/findings': {
    url: '/api/cycles/{c2026}/findings',
    allow: SIGNED_IN,
    note: 'each sees the findings of the plans they may read',
  },
  'GET /api/cycles/:id/findings/targets': { url: '/api/cycles/{c2026}/findings/targets', allow: OFFICE },
  'POST /api/cycles/:id/findings': {
    url: '/api/cycles/{c2026}/findings',
    body: {
      planId: '{eduPlan}',
      indicatorCode: 'PERM-NONE',
      kind: 'audit',
      docTitle: '矩阵测试',
      docNumber: '测〔2026〕1号',
      docDate: '2026-01-05',
      description: '矩阵测试',
      points: 1,
    },
    allow: OFFICE,
    note: 'no such deduction item: 400 past the permission check',
  },
  'POST /api/findings/:id/withdraw': {
    url: '/api/findings/{missing}/withdraw',
    body: { reason: '矩阵测试' },
    allow: OFFICE,
  },
  'POST /api/findings/:id/file': {
    url: '/api/findings/{missing}/file',
    file: { name: 'd.pdf', type: 'application/pdf', content: '%PDF-1.4\n' },
    allow: OFFICE,
  },
  'GET /api/findings/:id/file': {
    url: '/api/findings/{missing}/file',
    allow: SIGNED_IN,
    note: 'a missing finding: 404 for everyone signed in; readers of the plan only (linkage.test.ts)',
  },
};
