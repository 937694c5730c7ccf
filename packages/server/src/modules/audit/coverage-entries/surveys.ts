import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { surveyReports, surveys, surveySamples } from '../../../db/schema';
import { jsonString } from '../../../lib/json';
import { ABSENT, full, inDb, micros, setOf, type Covered } from './hashers';

/**
 * The database's hash of one survey answer row (alias `r`): the intake statement records it in the
 * answer's audit entry, and verify-audit recomputes it the same way.
 */
export const responseRowHashSql = (r: string) =>
  `encode(sha256(convert_to(jsonb_build_array(${r}.id, ${r}.survey_id, ${r}.version_id, ${r}.invitation_id, ` +
  `${r}.mode, ${r}.interviewer_id, ${r}.trust, ${r}.stratum, ${r}.profile, ${r}.design_weight, ${r}.answers, ` +
  `${micros(`${r}.submitted_at`)})::text, 'UTF8')), 'hex')`;

/**
 * Prefix of a survey frame's hash since frames are hashed in unit id order (before: in external id
 * order, which a streamed import cannot follow without sorting the whole file).
 */
export const FRAME_HASH_PREFIX = 'v2:';
const FRAME_FIELDS = 'id, external_id, stratum, profile, contact';

/**
 * A survey frame's hash computed while its units are written, equal to what the database computes
 * for `survey_frame` (coverage list below) once they are stored: the units must be added in
 * ascending id order and be the whole frame. Each unit's line is jsonb's text of
 * `jsonb_build_array(id, external_id, stratum, profile, contact)`: strings escaped as
 * JSON.stringify does (the same escapes as jsonb for text without NUL, which the import refuses),
 * `", "` between items, the profile's keys in jsonb's order (shorter first, then by bytes) as
 * `{"k": "v", …}`.
 */
export function frameDigest(strataFields: string[]) {
  const keys = [...strataFields].sort((a, b) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length - y.length || Buffer.compare(x, y);
  });
  const keyText = keys.map((k) => `${jsonString(k)}: `);
  const hash = createHash('sha256');
  let text = '';
  let rows = 0;
  return {
    /**
     * jsonb's text of a profile (`{"k": "v", …}`, keys in jsonb's order): the unit's line takes it,
     * and it is valid JSON for the profile column too.
     */
    profileText(profile: Record<string, string>) {
      let p = '{';
      for (let k = 0; k < keys.length; k++) p += (k ? ', ' : '') + keyText[k] + jsonString(profile[keys[k]]);
      return `${p}}`;
    },
    add(id: string, externalId: string, stratum: string, profileText: string, contact: string | null) {
      text +=
        `${rows++ ? '\n' : ''}["${id}", ${jsonString(externalId)}, ${jsonString(stratum)}, ${profileText}, ` +
        `${contact === null ? 'null' : jsonString(contact)}]`;
      if (text.length >= 1 << 20) {
        hash.update(text);
        text = '';
      }
    },
    /** The frame's hash (an empty frame has none: {@link ABSENT}). */
    digest() {
      hash.update(text);
      text = '';
      return rows ? FRAME_HASH_PREFIX + hash.digest('hex') : ABSENT;
    },
  };
}

/** A survey, its questionnaires, frame, sample, invitations, answers and published report. */
export const surveysCoverage: Covered[] = [
  {
    type: 'survey',
    tables: ['surveys'],
    key: 'id',
    how: 'row',
    covers: 'every column (status, strata, quotas, margins, fielded version)',
    writers: 'surveys',
    hashes: full(surveys, surveys.id),
    companions: ['survey_versions', 'survey_frame', 'survey_sample', 'survey_invitations', 'survey_report'],
  },
  {
    type: 'survey_versions',
    tables: ['survey_versions'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's questionnaire versions (definition, frozen time)",
    writers: "surveys (with the survey's entries)",
    hashes: setOf(
      'survey_versions',
      'survey_id',
      `id, version, definition, ${micros('frozen_at')}, created_by, ${micros('created_at')}`,
      'version',
    ),
  },
  {
    type: 'survey_frame',
    tables: ['survey_frame_units'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's sampling frame (every unit, stratum, profile)",
    writers: "surveys (with the survey's entries)",
    // In unit id order, so that an import hashes the frame as it writes it (frameDigest).
    hashes: setOf('survey_frame_units', 'survey_id', FRAME_FIELDS, 'id', FRAME_HASH_PREFIX),
    legacy: {
      prefix: FRAME_HASH_PREFIX,
      hashes: setOf('survey_frame_units', 'survey_id', FRAME_FIELDS, 'external_id'),
    },
  },
  {
    type: 'survey_sample',
    tables: ['survey_samples'],
    key: 'survey_id',
    how: 'row',
    covers: 'the drawn sample: size, allocation, seed, strata',
    writers: "surveys (with the survey's entries)",
    hashes: full(surveySamples, surveySamples.surveyId),
  },
  {
    type: 'survey_invitations',
    tables: ['survey_invitations'],
    key: 'survey_id',
    how: 'set',
    covers: "a survey's invitations: stratum, profile, design weight, token and code hashes",
    writers: "surveys (with the survey's entries)",
    hashes: setOf(
      'survey_invitations',
      'survey_id',
      `id, frame_unit_id, stratum, profile, design_weight, token_hash, code_hash, ${micros('issued_at')}`,
      'id',
    ),
  },
  {
    type: 'survey_response',
    tables: ['survey_responses'],
    key: 'id',
    how: 'sql-row',
    covers: 'every column of an answer (answers, stratum, design weight, mode, trust)',
    writers: 'survey intake (the answer and its entry in one statement)',
    hashes: inDb(
      (where) =>
        sql`select r.id as key, ${sql.raw(responseRowHashSql('r'))} as hash from survey_responses r where ${where(sql.raw('r.id'))}`,
    ),
  },
  {
    type: 'survey_report',
    tables: ['survey_reports'],
    key: 'survey_id',
    how: 'row',
    covers: 'the published report (the estimates that feed the public indicators)',
    writers: "surveys (with the survey's entries)",
    hashes: full(surveyReports, surveyReports.surveyId),
  },
];
