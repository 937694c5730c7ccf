import { z } from 'zod';

import { ORG_KINDS } from './enums';

// PostgreSQL text refuses NUL, and control characters have no place in names.
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const text = (max: number) =>
  z.string().trim().min(1).max(max).regex(NO_CONTROL, 'must not contain control characters');
const optionalText = (max: number) =>
  z.string().trim().max(max).regex(NO_CONTROL, 'must not contain control characters');
/** Codes end up in materialised paths (`/city/edu/`), so no slashes or spaces. */
const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _ only');
const peerGroup = z
  .string()
  .trim()
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and _ starting with a letter');
const isoDate = z.iso.date();

export const CreateOrgUnitBody = z.object({
  /** Unique short code, part of the unit's path (`edu`); cannot be changed later. */
  code,
  /** Name in Chinese. */
  name: text(200),
  /** Name in English. */
  nameEn: optionalText(200).nullish(),
  /** government, department or district. */
  kind: z.enum(ORG_KINDS),
  /** The unit it belongs to; null only for the root of an empty tree. */
  parentId: z.uuid().nullable(),
  /** Peer group for ranking (`economic`, `urban_district` …); none when the unit is not ranked. */
  peerGroup: peerGroup.nullish(),
});
export type CreateOrgUnitInput = z.infer<typeof CreateOrgUnitBody>;

export const UpdateOrgUnitBody = z.object({
  /** New name in Chinese. */
  name: text(200).optional(),
  /** New name in English; null or empty clears it. */
  nameEn: optionalText(200).nullish(),
  /** New kind. */
  kind: z.enum(ORG_KINDS).optional(),
  /** Moves the unit (and its subtree) under this unit; a move under itself or its own subtree is refused. */
  parentId: z.uuid().optional(),
  /** New peer group; null clears it. */
  peerGroup: peerGroup.nullish(),
});
export type UpdateOrgUnitInput = z.infer<typeof UpdateOrgUnitBody>;

export const CreatePersonBody = z.object({
  /** Unique code of the cadre (`edu-5`). */
  code,
  /** Name in Chinese. */
  name: text(100),
  /** Name in English. */
  nameEn: optionalText(100).nullish(),
  /** Position 职务 in Chinese. */
  position: text(200),
  /** Position in English. */
  positionEn: optionalText(200).nullish(),
  /** The unit where the cadre holds the position. */
  orgUnitId: z.uuid(),
  /** The cadre's login account (appraisee), if any. */
  userId: z.uuid().nullish(),
  /** First day of the term. */
  termStart: isoDate.nullish(),
  /** Last day of the term; none while open-ended. */
  termEnd: isoDate.nullish(),
});
export type CreatePersonInput = z.infer<typeof CreatePersonBody>;

export const UpdatePersonBody = z.object({
  /** New name in Chinese. */
  name: text(100).optional(),
  /** New name in English; null or empty clears it. */
  nameEn: optionalText(100).nullish(),
  /** New position in Chinese. */
  position: text(200).optional(),
  /** New position in English; null or empty clears it. */
  positionEn: optionalText(200).nullish(),
  /** The unit of the new position. */
  orgUnitId: z.uuid().optional(),
  /** The cadre's login account; null unlinks it. */
  userId: z.uuid().nullish(),
  /** First day of the (new) term; null clears it. */
  termStart: isoDate.nullish(),
  /** Last day of the term; null reopens it. */
  termEnd: isoDate.nullish(),
});
export type UpdatePersonInput = z.infer<typeof UpdatePersonBody>;

export const EndTermBody = z.object({
  /** Last day in office. */
  termEnd: isoDate,
});

export const PeopleQuery = z.object({
  /** Only cadres of this org unit. */
  orgUnitId: z.uuid().optional(),
});

/** An org unit as the API shows it. */
export const OrgUnit = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  kind: z.enum(ORG_KINDS),
  parentId: z.uuid().nullable(),
  peerGroup: z.string().nullable(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

/** A leading cadre 领导干部 as the API shows it (`userId` only to the office and admin). */
export const Person = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  position: z.string(),
  positionEn: z.string().nullable(),
  orgUnitId: z.uuid(),
  userId: z.uuid().nullable().optional(),
  termStart: isoDate.nullable(),
  termEnd: isoDate.nullable(),
});
export type Person = z.infer<typeof Person>;

export const OrgUnitListReply = z.object({ items: z.array(OrgUnit) });
export const OrgUnitReply = z.object({ unit: OrgUnit });
export const PersonListReply = z.object({ items: z.array(Person) });
export const PersonReply = z.object({ person: Person });
