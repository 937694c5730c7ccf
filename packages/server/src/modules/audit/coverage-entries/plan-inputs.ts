import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import {
  actualValues,
  evidenceFiles,
  indicatorNodes,
  plans,
  publicRatings,
  ratings,
} from '../../../db/schema';
import { jsonString } from '../../../lib/json';
import { entityHash, full, rows, type Covered } from './hashers';

/**
 * The audited row of an evidence file: its metadata, content excluded (the stored `sha256` stands for
 * the content; verify-audit checks the content against it in the database).
 */
export const evidenceMeta = {
  id: evidenceFiles.id,
  valueId: evidenceFiles.valueId,
  planId: evidenceFiles.planId,
  filename: evidenceFiles.filename,
  mimeType: evidenceFiles.mimeType,
  size: evidenceFiles.size,
  sha256: evidenceFiles.sha256,
  uploadedBy: evidenceFiles.uploadedBy,
  uploadedAt: evidenceFiles.uploadedAt,
};

/**
 * A node as its tree is hashed: the library reference and rubric columns (added in 0021) only when set,
 * so trees audited before those columns existed still match their entries.
 */
const hashedNode = (n: typeof indicatorNodes.$inferSelect) => ({
  ...n,
  libraryCode: n.libraryCode ?? undefined,
  libraryVersion: n.libraryVersion ?? undefined,
  rubric: n.rubric ?? undefined,
});

/** The audited snapshot of a plan's tree: its nodes in a stable order. */
export async function planTreeSnapshot(tx: DbOrTx, planId: string) {
  const nodes = await tx
    .select()
    .from(indicatorNodes)
    .where(eq(indicatorNodes.planId, planId))
    .orderBy(asc(indicatorNodes.code));
  return nodes.map(hashedNode);
}

/**
 * An actual_values row as stored by a values import (reported, no reason, not verified), as
 * {@link entityHash} reads it: the canonical JSON of the row the query builder answers (property
 * names in sorted order, timestamps as toISOString), built as text so that a million-row import
 * hashes each row without building an object. `value` is the number's JSON text (JSON.stringify's);
 * `reportedAt` an ISO time in milliseconds (as toISOString writes it).
 */
export function reportedValueText(r: {
  id: string;
  planId: string;
  indicatorCode: string;
  period: string;
  value: string;
  note: string | null;
  reportedBy: string;
  reportedAt: string;
  version: number;
}): string {
  return (
    `{"id":"${r.id}","indicatorCode":${jsonString(r.indicatorCode)},` +
    `"note":${r.note === null ? 'null' : jsonString(r.note)},"period":${jsonString(r.period)},` +
    `"planId":"${r.planId}","reason":null,"reportedAt":"${r.reportedAt}","reportedBy":"${r.reportedBy}",` +
    `"status":"reported","value":${r.value},"verifiedAt":null,"verifiedBy":null,"version":${r.version}}`
  );
}

/** A public rating without its moderation state (hiding is audited as a moderation decision). */
const publicRatingProjection = {
  id: publicRatings.id,
  cycleId: publicRatings.cycleId,
  planId: publicRatings.planId,
  userId: publicRatings.userId,
  scores: publicRatings.scores,
  comment: publicRatings.comment,
  relevance: publicRatings.relevance,
  createdAt: publicRatings.createdAt,
};

/** A plan, its indicator tree, and what is measured against it: values, evidence, ratings. */
export const planInputsCoverage: Covered[] = [
  {
    type: 'plan',
    tables: ['plans'],
    key: 'id',
    how: 'row',
    covers: 'every column',
    writers: 'plans, plan set-up, monitoring',
    hashes: full(plans, plans.id),
  },
  {
    type: 'plan_tree',
    tables: ['indicator_nodes'],
    key: 'plan_id',
    how: 'row',
    covers: "a plan's indicator nodes, every column, ordered by code",
    writers: 'plans, plan set-up, agreements',
    empty: entityHash([]),
    entryOptional: true,
    hashes: async (db, ids) => {
      const nodes = await (ids
        ? ids.length
          ? db
              .select()
              .from(indicatorNodes)
              .where(inArray(indicatorNodes.planId, ids))
              .orderBy(asc(indicatorNodes.code))
          : Promise.resolve([])
        : db.select().from(indicatorNodes).orderBy(asc(indicatorNodes.code)));
      const byPlan = new Map<string, ReturnType<typeof hashedNode>[]>();
      for (const n of nodes) {
        const list = byPlan.get(n.planId);
        if (list) list.push(hashedNode(n));
        else byPlan.set(n.planId, [hashedNode(n)]);
      }
      return new Map([...byPlan].map(([id, list]) => [id, entityHash(list)]));
    },
  },
  {
    type: 'actual_value',
    tables: ['actual_values'],
    key: 'id',
    how: 'row',
    covers: 'every column (value, period, status, verifier)',
    writers: 'values, appeals, corrections',
    hashes: full(actualValues, actualValues.id),
  },
  {
    type: 'evidence_file',
    tables: ['evidence_files'],
    key: 'id',
    how: 'row',
    covers: 'metadata with the SHA-256 of the content; the content is checked against it in the database',
    writers: 'monitoring evidence',
    hashes: rows(evidenceFiles, evidenceFiles.id, { projection: evidenceMeta }),
  },
  {
    type: 'rating',
    tables: ['ratings'],
    key: 'id',
    how: 'row',
    covers: 'every column (score, relevance weight, rater)',
    writers: 'ratings, public ratings',
    hashes: full(ratings, ratings.id),
  },
  {
    type: 'public_rating',
    tables: ['public_ratings'],
    key: 'id',
    how: 'row',
    covers: 'scores, relevance, rater, plan (moderation state left out: hiding is its own audited decision)',
    writers: 'public ratings',
    hashes: rows(publicRatings, publicRatings.id, { projection: publicRatingProjection }),
  },
];
