/**
 * The event contract (SPEC section 2): one zod schema per event type, a discriminated union on
 * `type`, and a validator that also checks queue and team ids against the configuration.
 *
 * NOTE: every object is strict. An unknown field is rejected so that no patient data (names,
 * record numbers, free text) can ever enter the pipeline.
 */
import { z } from 'zod';
import type { OpsConfig } from './config.js';
import { capReason, describeIssues, MAX_REASON_LENGTH, quoteIfOpaque, shownName } from './issues.js';

/** How far in the future `occurred_at` may be before an event is rejected. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;
/** RETENTION_DAYS when none is given: `occurred_at` older than this is rejected as too old. */
export const DEFAULT_RETENTION_DAYS = 35;
const DAY_MS = 24 * 60 * 60 * 1000;

export const TASK_EVENT_TYPES = [
  'task.created',
  'task.assigned',
  'task.started',
  'task.completed',
  'task.cancelled',
] as const;
export const EVENT_TYPES = [...TASK_EVENT_TYPES, 'staffing.updated'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** Tie-break rank for events of one task at the same instant (SPEC section 2). */
export const TYPE_RANK: Record<EventType, number> = {
  'task.created': 0,
  'task.assigned': 1,
  'task.started': 2,
  'task.completed': 3,
  'task.cancelled': 4,
  'staffing.updated': 5,
};

const text = () => z.string({ error: 'must be a string' });
const eventId = text().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const taskId = text().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
// NOTE: RFC 3339 allows a lowercase `t` and `z`; stored events carry the uppercase form.
const occurredAt = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp with a zone, like 2026-11-26T09:15:02.120Z' }),
);
const queue = text().min(1, 'must not be empty');
const team = text().min(1, 'must not be empty');

const createdSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('task.created'),
  occurred_at: occurredAt,
  queue,
  task_id: taskId,
  team: team.optional(),
  priority: z.int('must be an integer from 1 to 5').min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5').optional(),
});
const assignedSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('task.assigned'),
  occurred_at: occurredAt,
  queue,
  task_id: taskId,
  team,
});
const startedSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('task.started'),
  occurred_at: occurredAt,
  queue,
  task_id: taskId,
  team,
});
const completedSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('task.completed'),
  occurred_at: occurredAt,
  queue,
  task_id: taskId,
  team: team.optional(),
});
const cancelledSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('task.cancelled'),
  occurred_at: occurredAt,
  queue,
  task_id: taskId,
  team: team.optional(),
});
const staffingSchema = z.strictObject({
  event_id: eventId,
  type: z.literal('staffing.updated'),
  occurred_at: occurredAt,
  queue,
  team,
  agents: z.int('must be an integer from 0 to 10000').min(0, 'must be from 0 to 10000').max(10000, 'must be from 0 to 10000'),
});

/** Any valid event, discriminated on `type`. */
export const opsEventSchema = z.discriminatedUnion('type', [
  createdSchema,
  assignedSchema,
  startedSchema,
  completedSchema,
  cancelledSchema,
  staffingSchema,
]);

export type OpsEvent = z.infer<typeof opsEventSchema>;
export type TaskEvent = Exclude<OpsEvent, { type: 'staffing.updated' }>;
export type StaffingEvent = Extract<OpsEvent, { type: 'staffing.updated' }>;

/** NOTE: a Map, not an object: `type` comes from outside and must not reach inherited properties. */
const schemaByType = new Map<string, z.ZodType>([
  ['task.created', createdSchema],
  ['task.assigned', assignedSchema],
  ['task.started', startedSchema],
  ['task.completed', completedSchema],
  ['task.cancelled', cancelledSchema],
  ['staffing.updated', staffingSchema],
]);

/** Unknown fields are refused so that no patient data can enter (SPEC section 2); only opaque names are echoed. */
const unknownEventFields = (keys: readonly string[]) =>
  `unknown field${keys.length > 1 ? 's' : ''} ${keys.map(shownName).join(', ')}: events carry opaque ids only`;

/** The value and a space when it may be echoed (an opaque id), else nothing: the field is named alone. */
const echoed = (value: unknown) => {
  const quoted = quoteIfOpaque(value);
  return quoted === undefined ? '' : `${quoted} `;
};

export type EventCheck = { ok: true; event: OpsEvent } | { ok: false; reason: string };

export interface EventCheckOptions {
  /** `occurred_at` older than this many days is rejected as too old (default DEFAULT_RETENTION_DAYS). */
  retentionDays?: number;
}

/**
 * Checks one raw value against the contract and the configuration at instant `nowMs`. Never
 * throws: whatever goes wrong while checking one event rejects that event alone. Reasons name the
 * field and the rule, echo a value only when it is an opaque id, and are at most 200 characters.
 */
export function checkEvent(raw: unknown, config: OpsConfig, nowMs: number, options: EventCheckOptions = {}): EventCheck {
  try {
    const check = checkUnguarded(raw, config, nowMs, options.retentionDays ?? DEFAULT_RETENTION_DAYS);
    return check.ok ? check : { ok: false, reason: capReason(check.reason) };
  } catch {
    return { ok: false, reason: 'the event could not be checked' };
  }
}

function checkUnguarded(raw: unknown, config: OpsConfig, nowMs: number, retentionDays: number): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'an event must be a JSON object' };
  }
  const type = Object.hasOwn(raw, 'type') ? (raw as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' ? schemaByType.get(type) : undefined;
  if (!schema) {
    if (type === undefined) return { ok: false, reason: 'type: is required' };
    const rule = typeof type === 'string' ? `${echoed(type)}is not` : 'must be a string,';
    return { ok: false, reason: `type: ${rule} one of ${EVENT_TYPES.join(', ')}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: describeIssues(parsed.error.issues, { input: raw, unknownFields: unknownEventFields, maxLength: MAX_REASON_LENGTH }) };
  }
  const event = parsed.data as OpsEvent;

  const at = Date.parse(event.occurred_at);
  if (!Number.isFinite(at)) return { ok: false, reason: 'occurred_at: is not a real instant' };
  if (at > nowMs + MAX_FUTURE_MS) {
    return { ok: false, reason: 'occurred_at: is more than 5 minutes in the future' };
  }
  if (at < nowMs - retentionDays * DAY_MS) {
    return { ok: false, reason: `occurred_at: is too old: older than the ${retentionDays}-day retention` };
  }
  if (!config.queueIndex.has(event.queue)) {
    return { ok: false, reason: `queue: ${echoed(event.queue)}is not a queue in the configuration` };
  }
  if (event.team !== undefined && !config.teamIndex.has(event.team)) {
    return { ok: false, reason: `team: ${echoed(event.team)}is not a team in the configuration` };
  }
  return { ok: true, event };
}

/** The Kafka key of an event: its task id, or queue/team for staffing updates. */
export function eventKey(event: OpsEvent): string {
  return event.type === 'staffing.updated' ? `staffing:${event.queue}:${event.team}` : event.task_id;
}
