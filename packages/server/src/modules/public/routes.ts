import { createHash } from 'node:crypto';
import {
  BundleDigestReply,
  IdParams,
  NotModifiedReply,
  OpenDataBundleReply,
  PeopleQuery,
  OrgUnitListReply,
  PersonListReply,
  PlanListReply,
  PublicCycleListReply,
  PublicPlanReply,
  PublicPlansQuery,
  PublicResultsQuery,
  PublicStagesReply,
  RegulationsTextReply,
  ResultDetail,
  ResultList,
  ResultsCsvReply,
  ResultsExportQuery,
  ResultsXlsxReply,
  XLSX_TYPE,
} from '@perfcommons/contracts';
import type { FastifyPluginAsyncContract } from '../../lib/serializer';
import { notFound } from '../../lib/errors';
import { listCycles, publicStageHistory } from '../cycles/service';
import { listOrgUnits, listPeople } from '../orgs/service';
import { loadPlanScope } from '../plans/access';
import { listPlans, loadTree, presentPlan } from '../plans/service';
import { getResult, listResults } from '../results/service';
import { publicRevisions } from '../monitoring/agreements';
import { bundleStream, ensureBundle, ensureOpenDataFile } from '../opendata/store';
import { regulationsText } from '../evaluation/regulations-text';

const PUBLIC_PLAN_STATUSES = ['published_for_comment', 'approved', 'closed'];

/** The portal's read-only API: only what is published, for everyone, without login. */
export const publicRoutes: FastifyPluginAsyncContract = async (app) => {
  const db = app.database.db;
  app.get(
    '/public/cycles',
    { schema: { tags: ['public'], response: { 200: PublicCycleListReply } } },
    async () => ({
      items: (await listCycles(db)).map(({ rules: _r, ...c }) => c),
    }),
  );
  // A cycle's links: each move, and each precondition the office overrode with its reason.
  app.get(
    '/public/cycles/:id/stages',
    { schema: { tags: ['public'], params: IdParams, response: { 200: PublicStagesReply } } },
    async (req) => publicStageHistory(db, req.params.id),
  );
  app.get(
    '/public/orgs',
    { schema: { tags: ['public'], response: { 200: OrgUnitListReply } } },
    async () => ({ items: await listOrgUnits(db) }),
  );
  app.get(
    '/public/people',
    { schema: { tags: ['public'], querystring: PeopleQuery, response: { 200: PersonListReply } } },
    async (req) => ({
      items: await listPeople(db, req.query),
    }),
  );
  app.get(
    '/public/plans',
    {
      schema: {
        tags: ['public'],
        querystring: PublicPlansQuery,
        response: { 200: PlanListReply },
      },
    },
    async (req) => ({ items: await listPlans(db, null, { ...req.query, onlyPublic: true }) }),
  );
  app.get(
    '/public/plans/:id',
    { schema: { tags: ['public'], params: IdParams, response: { 200: PublicPlanReply } } },
    async (req) => {
      const scope = await loadPlanScope(db, req.params.id);
      if (!PUBLIC_PLAN_STATUSES.includes(scope.plan.status)) throw notFound('Plan');
      return {
        plan: presentPlan(scope.plan, scope),
        tree: await loadTree(db, scope.plan.id),
        revisions: await publicRevisions(db, scope.plan.id),
      };
    },
  );
  app.get(
    '/public/results',
    { schema: { tags: ['public'], querystring: PublicResultsQuery, response: { 200: ResultList } } },
    async (req) => ({ items: await listResults(db, null, req.query.cycleId, { publicOnly: true }) }),
  );
  app.get(
    '/public/results/:id',
    { schema: { tags: ['public'], params: IdParams, response: { 200: ResultDetail } } },
    // The breakdown is derived from the current inputs: when they changed since the result was
    // computed (stale), it would explain figures nobody published, so the public gets none until
    // the recompute.
    async (req) => {
      const r = await getResult(db, null, req.params.id, { publicOnly: true });
      return r.result.stale ? { ...r, breakdown: [] } : r;
    },
  );

  // Open data (docs/open-data.md): the bundle anyone can recompute every result from, its digest, and
  // the results as spreadsheets. Cached by ETag (the bundle's SHA-256): If-None-Match answers 304.
  app.get(
    '/public/cycles/:id/bundle',
    {
      schema: {
        tags: ['public'],
        params: IdParams,
        response: { 200: OpenDataBundleReply, 304: NotModifiedReply },
        description:
          'Open data bundle of a published cycle (format perfcommons-open-data, version 1; plain canonical JSON): ' +
          'regulations (frozen rules, grade scheme, consequence rules, missing-data rule), indicator trees, ' +
          'verified values with their period, rater panels per plan × indicator × subject without rater ' +
          'identities (panels under the disclosure minimum as their figure only), survey estimates and the ' +
          'published results with revision numbers. ETag = the SHA-256 of the body. Data dictionary: ' +
          'docs/open-data.md; `npx perfcommons verify-bundle <file>` recomputes every result from it. Licence CC BY 4.0.',
      },
    },
    async (req, reply) => {
      // Built once per publication state and stored; served in chunks.
      const file = await ensureBundle(db, req.params.id);
      const etag = `"${file.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'public, max-age=300')
        .header('content-disposition', `inline; filename="perfcommons-${file.code}.json"`);
      if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-length', file.bytes)
        .send(bundleStream(db, file));
    },
  );
  app.get(
    '/public/cycles/:id/bundle/digest',
    {
      schema: {
        tags: ['public'],
        params: IdParams,
        response: { 200: BundleDigestReply },
        description: 'SHA-256 and size of the open data bundle, as shown on the portal.',
      },
    },
    async (req) => {
      const file = await ensureBundle(db, req.params.id);
      return { sha256: file.sha256, bytes: file.bytes, url: `/api/public/cycles/${req.params.id}/bundle` };
    },
  );
  // The results as spreadsheets: stored with the bundle, built once per publication state by the
  // same job (or the first request), sent in chunks with their SHA-256 as ETag.
  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `/public/cycles/:id/results.${format}`,
      {
        schema: {
          tags: ['public'],
          params: IdParams,
          querystring: ResultsExportQuery,
          response: { 200: format === 'csv' ? ResultsCsvReply : ResultsXlsxReply, 304: NotModifiedReply },
          description:
            format === 'csv'
              ? 'Published results of the cycle as CSV (UTF-8 with BOM). ETag = the SHA-256 of the body.'
              : 'Published results of the cycle as an Excel workbook. ETag = the SHA-256 of the body.',
        },
      },
      async (req, reply) => {
        const file = await ensureOpenDataFile(db, req.params.id, `results.${format}.${req.query.lang}`);
        const etag = `"${file.sha256}"`;
        reply
          .header('etag', etag)
          .header('cache-control', 'public, max-age=300')
          .header('content-disposition', `attachment; filename="${file.filename}"`);
        if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
          .header('content-length', file.bytes)
          .send(bundleStream(db, file));
      },
    );
  // The regulations as text generated from the rule objects the computation reads (zh-CN and en).
  app.get(
    '/public/cycles/:id/regulations/text',
    { schema: { tags: ['public'], params: IdParams, response: { 200: RegulationsTextReply } } },
    async (req) => regulationsText(db, req.params.id),
  );

  // ETag on the portal's JSON reads (a weak tag of the body): a client that has the page gets 304.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || reply.statusCode !== 200 || reply.getHeader('etag')) return payload;
    if (typeof payload !== 'string') return payload;
    const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('etag', etag);
    if (!reply.getHeader('cache-control')) reply.header('cache-control', 'public, max-age=60');
    if (req.headers['if-none-match'] === etag) {
      reply.code(304);
      return '';
    }
    return payload;
  });
};
