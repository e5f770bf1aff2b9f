/**
 * The audit trail contract (SPEC section 10): who did what to what, and when. Every
 * acknowledgement, capacity request, partner answer, escalation, delivery give-up (of a capacity
 * request or a chat message) and expiry, start-up (with its config digest), burst of failed
 * authentication and history import is one record. Records are appended, never changed; a second
 * acknowledgement is a second record. One discriminated union on `action`, each with its own
 * `details`; `z.infer` for the types.
 */
import { z } from 'zod';
import { ROLES } from './config.js';

const instant = z.iso.datetime({ offset: true });

/** What a record is about. */
export const AUDIT_ACTIONS = [
  'alert.acknowledged',
  'capacity.requested',
  'capacity.answered',
  'capacity.escalated',
  'capacity.undeliverable',
  'capacity.expired',
  'chat.undeliverable',
  'server.started',
  'auth.failed_burst',
  'history.imported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actor of what nobody in particular did (the loops, the server itself). */
export const SYSTEM_ACTOR = 'system';

/** The access roles, `open` (no access control configured) and `system`. */
export const AUDIT_ROLES = [...ROLES, 'open', 'system'] as const;
export type AuditRole = (typeof AUDIT_ROLES)[number];

// NOTE: details are loose objects: a record written by a newer version (with one more detail)
// still reads back; the fields listed are the ones every record of its action carries.
const capacityDetails = {
  queue: z.string(),
  partner: z.string(),
  alert_id: z.string(),
};

const common = {
  /** From the injected id source. */
  id: z.string().min(1),
  /** From the injected clock. */
  at: instant,
  /** The access entry's name, or `system`. */
  actor: z.string().min(1),
  role: z.enum(AUDIT_ROLES),
  /** What it was done to: an alert id, a capacity request id, a client address, the server. */
  target: z.string(),
};

export const auditRecordSchema = z.discriminatedUnion('action', [
  z.strictObject({
    ...common,
    action: z.literal('alert.acknowledged'),
    details: z.looseObject({ queue: z.string(), comment: z.string().nullable(), state: z.string() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('capacity.requested'),
    details: z.looseObject({ ...capacityDetails, agents_requested: z.int(), respond_by: instant, escalated_from: z.string().nullable() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('capacity.answered'),
    details: z.looseObject({ ...capacityDetails, decision: z.string(), agents_requested: z.int(), agents_committed: z.int().nullable() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('capacity.escalated'),
    details: z.looseObject({ ...capacityDetails, state: z.string(), escalated_to: z.string() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('capacity.undeliverable'),
    details: z.looseObject({ ...capacityDetails, attempts: z.int(), last_error: z.string().nullable() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('capacity.expired'),
    details: z.looseObject({ ...capacityDetails, respond_by: instant }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('chat.undeliverable'),
    details: z.looseObject({ team: z.string(), message_id: z.string(), attempts: z.int(), last_error: z.string().nullable() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('server.started'),
    details: z.looseObject({
      /** SHA-256 (hex) of the validated configuration as canonical JSON (keys sorted). */
      config_sha256: z.string().regex(/^[0-9a-f]{64}$/),
      engines: z.looseObject({ log: z.string(), store: z.string() }),
      version: z.string(),
    }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('auth.failed_burst'),
    details: z.looseObject({ address: z.string(), failures: z.int().min(1), window_seconds: z.number().positive() }),
  }),
  z.strictObject({
    ...common,
    action: z.literal('history.imported'),
    details: z.looseObject({
      format: z.string(),
      /** SHA-256 (hex) of the bytes imported, and of the file's name when one was given: never the name itself. */
      source_sha256: z.string().regex(/^[0-9a-f]{64}$/),
      name_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
      records: z.int(),
      events: z.int(),
      accepted: z.int(),
      duplicates: z.int(),
      rejected: z.int(),
      /** False when the import stopped half-way (what was stored before stays). */
      complete: z.boolean(),
    }),
  }),
]);
export type AuditRecord = z.infer<typeof auditRecordSchema>;
/** The details of one action's records. */
export type AuditDetails<A extends AuditAction> = Extract<AuditRecord, { action: A }>['details'];

export const AUDIT_LIMIT_MAX = 10_000;

/** `GET /api/audit` query: `from` inclusive, `to` exclusive, newest first, at most `limit` records. */
export const auditQuerySchema = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_LIMIT_MAX).default(1000),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['from'] });
export type AuditQueryParams = z.infer<typeof auditQuerySchema>;

/** `GET /api/audit` (JSON): newest first. NDJSON (`Accept: application/x-ndjson`): one record a line. */
export interface AuditResponse {
  records: AuditRecord[];
}
