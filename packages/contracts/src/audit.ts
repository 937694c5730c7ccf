import { z } from 'zod';
import { Json, Timestamp } from './common';

export const AuditQuery = z.object({
  /** Page size. */
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Entries to skip. */
  offset: z.coerce.number().int().min(0).default(0),
});

/** One entry of the append-only, hash-chained audit log, newest first. */
export const AuditEntry = z.object({
  seq: z.number().int(),
  at: Timestamp,
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  actorNameEn: z.string().nullable(),
  /** What was done, e.g. `plan.approve` (server modules/audit/actions.ts lists them). */
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  /** Details of the change (free-form). */
  data: Json,
  /** Hash of the entity row after the change, for the entities the log covers. */
  entityHash: z.string().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditListReply = z.object({
  items: z.array(AuditEntry),
  /** Entries in the whole log. */
  total: z.number().int(),
});
export type AuditListReply = z.infer<typeof AuditListReply>;

export const AUDIT_PROBLEM_KINDS = ['chain', 'hash', 'sequence', 'entity_changed', 'entity_missing'] as const;
/** One inconsistency found by the verification. */
export const AuditProblem = z.object({
  /** The entry concerned; null for a seal's or the chain's problem. */
  seq: z.number().int().nullable(),
  kind: z.enum(AUDIT_PROBLEM_KINDS),
  message: z.string(),
  /** For entity problems: the entity type, its tables and the row (or set key). */
  entity: z.object({ type: z.string(), tables: z.array(z.string()), id: z.string() }).optional(),
});
export type AuditProblem = z.infer<typeof AuditProblem>;
/** The verification of the log and of every covered row. */
export const AuditReport = z.object({
  ok: z.boolean(),
  /** Entries checked. */
  checked: z.number().int(),
  /** Entries not yet covered by a seal. */
  unsealed: z.number().int(),
  seals: z.number().int(),
  problems: z.array(AuditProblem),
});
export type AuditReport = z.infer<typeof AuditReport>;
