/**
 * What is read of a FHIR R4 `Task`: only the elements the `fhir` mapping names. The zod objects
 * are not strict, so every other element (`for`, `focus`, `requester`, `note`, `input`, `output`,
 * `description`, `text`, `contained`, extensions, ...) is dropped unread: it never reaches an
 * event, a log line or an answer.
 *
 * Errors name the element (`Task.authoredOn`) and the rule, never the value, unless the value is
 * a well-formed opaque id.
 */
import type { Task } from '@medplum/fhirtypes';
import { z } from 'zod';
import type { FhirMapping } from '../../contracts/config.js';
import { describeIssues, MAX_REASON_LENGTH, quoteIfOpaque } from '../../contracts/issues.js';

/** Every `Task.status` of FHIR R4. */
export const TASK_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
] as const satisfies readonly NonNullable<Task['status']>[];

/**
 * A FHIR `dateTime` precise enough to place an event: date, time to the second, and a zone.
 * FHIR allows `2026` or `2026-11-26` too; those cannot say when work arrived, so they are refused.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const text = z.string({ error: 'must be a string' });
const period = z.object({ start: text.optional(), end: text.optional() }, { error: 'must be a Period object' });

/** The elements read whatever the mapping. */
const common = {
  resourceType: z.literal('Task', { error: 'must be Task' }),
  id: text.optional(),
  status: z.enum(TASK_STATUSES, { error: `must be a FHIR R4 Task status (${TASK_STATUSES.join(', ')})` }),
  authoredOn: text,
  lastModified: text.optional(),
  executionPeriod: period.optional(),
  owner: z.object({ reference: text.optional() }, { error: 'must be a Reference object' }).optional(),
};

/** `queue_by: code`: the codes of `Task.code`, nothing else of it. */
const byCode = z.object({
  ...common,
  code: z.object({ coding: z.array(z.object({ code: text.optional() }), { error: 'must be an array of Coding' }).optional() }, { error: 'must be a CodeableConcept object' }).optional(),
});

/** `queue_by: identifier:<system>`: the system and value of each identifier, nothing else of it. */
const byIdentifier = z.object({
  ...common,
  identifier: z.array(z.object({ system: text.optional(), value: text.optional() }), { error: 'must be an array of Identifier' }).optional(),
});

export type TaskRead = z.infer<typeof byCode> & z.infer<typeof byIdentifier>;

// NOTE: compile-time only: what is read is a slice of the FHIR R4 Task as @medplum/fhirtypes defines it.
type Slice = Omit<TaskRead, 'resourceType'>;
const _readIsFhir = (read: Slice): Pick<Task, keyof Slice> => read;
void _readIsFhir;

export type TaskReading = { ok: true; task: TaskRead } | { ok: false; code: 'invalid' | 'required' | 'not-supported'; reason: string };

/** Reads the mapped elements of one resource; anything else in it stays unread. */
export function readTask(raw: unknown, mapping: FhirMapping): TaskReading {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, code: 'invalid', reason: 'the resource must be a JSON object' };
  const type = Object.hasOwn(raw, 'resourceType') ? (raw as { resourceType?: unknown }).resourceType : undefined;
  if (type !== 'Task') {
    const named = quoteIfOpaque(type);
    return { ok: false, code: 'not-supported', reason: `resourceType: ${named ? `${named} is not` : 'must be'} Task: only Task resources are taken` };
  }
  const schema = mapping.queue_by === 'code' ? byCode : byIdentifier;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, task: parsed.data as TaskRead };
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['Task', ...issue.path] }));
  const missing = parsed.error.issues.every((i) => i.code === 'invalid_type' && valueMissing(raw, i.path));
  return { ok: false, code: missing ? 'required' : 'invalid', reason: describeIssues(issues, { input: { Task: raw }, maxLength: MAX_REASON_LENGTH }) };
}

function valueMissing(raw: object, path: readonly PropertyKey[]): boolean {
  let value: unknown = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

/** An instant from a FHIR dateTime element, or the reason it cannot be one (naming `element`). */
export function instantOf(value: string, element: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const ms = INSTANT.test(value) && realCalendarTime(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(ms)) return { ok: true, ms };
  return { ok: false, reason: `${element}: must be a date and time to the second with a zone, like 2026-11-26T09:15:02Z` };
}

/** TRICKY: `Date.parse` rolls 2026-02-30 over to March 2 and takes 24:00; a FHIR dateTime does neither. */
function realCalendarTime(value: string): boolean {
  const [y, mo, d, h, mi, s] = [0, 5, 8, 11, 14, 17].map((at, i) => Number(value.slice(at, at + (i === 0 ? 4 : 2))));
  const zone = value.match(/([+-])(\d{2}):(\d{2})$/);
  const zoneOk = !zone || (Number(zone[2]) <= 14 && Number(zone[3]) <= 59);
  return mo >= 1 && mo <= 12 && d >= 1 && d === new Date(Date.UTC(y, mo - 1, d)).getUTCDate() && h <= 23 && mi <= 59 && s <= 59 && zoneOk;
}
