/**
 * The event contract (SPEC section 2): one zod schema per event type, a discriminated union on
 * `type`, and a validator that also checks queue and team ids against the configuration.
 *
 * NOTE: every object is strict. An unknown field is rejected so that no patient data (names,
 * record numbers, free text) can ever enter the pipeline.
 */
import { z } from 'zod';
import type { OpsConfig } from './config.js';
import { describeIssues } from './issues.js';

/** How far in the future `occurred_at` may be before an event is rejected. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

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

const eventId = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const taskId = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const occurredAt = z.iso.datetime({
  offset: true,
  error: 'must be an RFC 3339 timestamp with a zone, like 2026-11-26T09:15:02.120Z',
});
const queue = z.string().min(1, 'must not be empty');
const team = z.string().min(1, 'must not be empty');

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

const schemaByType = {
  'task.created': createdSchema,
  'task.assigned': assignedSchema,
  'task.started': startedSchema,
  'task.completed': completedSchema,
  'task.cancelled': cancelledSchema,
  'staffing.updated': staffingSchema,
} satisfies Record<EventType, z.ZodType>;

/** Unknown fields are refused so that no patient data can enter (SPEC section 2). */
const unknownEventFields = (keys: readonly string[]) =>
  `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}: events carry opaque ids only`;

export type EventCheck = { ok: true; event: OpsEvent } | { ok: false; reason: string };

/** Checks one raw value against the contract and the configuration at instant `nowMs`. */
export function checkEvent(raw: unknown, config: OpsConfig, nowMs: number): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'an event must be a JSON object' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in schemaByType)) {
    return {
      ok: false,
      reason:
        type === undefined
          ? 'type: is required'
          : `type: ${JSON.stringify(type)} is not one of ${EVENT_TYPES.join(', ')}`,
    };
  }
  const parsed = schemaByType[type as EventType].safeParse(raw);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues, { input: raw, unknownFields: unknownEventFields }) };
  const event = parsed.data as OpsEvent;

  const at = Date.parse(event.occurred_at);
  if (!Number.isFinite(at)) return { ok: false, reason: 'occurred_at: is not a real instant' };
  if (at > nowMs + MAX_FUTURE_MS) {
    return { ok: false, reason: 'occurred_at: is more than 5 minutes in the future' };
  }
  if (!config.queueIndex.has(event.queue)) {
    return { ok: false, reason: `queue: "${event.queue}" is not a queue in the configuration` };
  }
  if (event.team !== undefined && !config.teamIndex.has(event.team)) {
    return { ok: false, reason: `team: "${event.team}" is not a team in the configuration` };
  }
  return { ok: true, event };
}

/** The Kafka key of an event: its task id, or queue/team for staffing updates. */
export function eventKey(event: OpsEvent): string {
  return event.type === 'staffing.updated' ? `staffing:${event.queue}:${event.team}` : event.task_id;
}
