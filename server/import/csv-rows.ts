/**
 * One CSV row of a work-queue export is one task: its times become up to five task events
 * (created, assigned, started, completed, cancelled) with ids derived from the task id and the
 * kind (`import:<kind>:<task id>`), so importing the same export again, or a later export that
 * overlaps it, adds only what is new. A row is taken whole or rejected whole: a half-imported task
 * (started but never created) would count nowhere and mislead.
 *
 * Reasons name the field and its column, never a cell's value unless it is an opaque id.
 */
import { createHash } from 'node:crypto';
import { isTimeZone, type OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { DEFAULT_RETENTION_DAYS, MAX_FUTURE_MS, type TaskEventType } from '../../contracts/events.js';
import { IMPORT_FIELDS, type CsvMapping, type ImportField } from '../../contracts/import.js';
import { capReason, isOpaqueId, quoteIfOpaque } from '../../contracts/issues.js';
import { readTime, ZoneReader } from './import-time.js';

const DAY_MS = 24 * 3600_000;
const MAX_EVENT_ID = 64;

/** The time columns, in the order their events happen, with the event each gives. */
const TIME_FIELDS = [
  ['created_at', 'task.created'],
  ['assigned_at', 'task.assigned'],
  ['started_at', 'task.started'],
  ['completed_at', 'task.completed'],
  ['cancelled_at', 'task.cancelled'],
] as const satisfies readonly (readonly [ImportField, TaskEventType])[];

/** A raw task event as a row gives it; ingest checks it against the contract once more. */
export interface ImportedEvent {
  event_id: string;
  type: TaskEventType;
  occurred_at: string;
  queue: string;
  task_id: string;
  team?: string;
  priority?: number;
}

export type RowResult = { ok: true; events: ImportedEvent[] } | { ok: false; reason: string };

/** A mapping checked against a header: where each field's cells are. */
export interface RowPlan {
  mapping: CsvMapping;
  /** Field -> index of its column in a row. */
  index: Partial<Record<ImportField, number>>;
  zone?: ZoneReader;
  config: OpsConfig;
  /** Rows are checked at this instant: not more than 5 minutes ahead, not older than the retention. */
  now: number;
  retentionDays: number;
}

/** A column name as reasons show it (header names are the export's schema, not patient data). */
const shownColumn = (name: string) => JSON.stringify(name.length > 40 ? `${name.slice(0, 39)}…` : name);

/**
 * Where each mapped field's column is in `header`; `missing` names every mapped column the
 * header lacks (the command checks this before it sends anything).
 */
export function columnsOf(header: readonly string[], mapping: Pick<CsvMapping, 'columns'>): { index: RowPlan['index']; missing?: string } {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    if (!positions.has(name.trim())) positions.set(name.trim(), i);
  });
  const index: RowPlan['index'] = {};
  const missing: string[] = [];
  for (const field of IMPORT_FIELDS) {
    const column = mapping.columns[field];
    if (column === undefined) continue;
    const at = positions.get(column.trim());
    if (at === undefined) missing.push(`${shownColumn(column)} (mapped to ${field})`);
    else index[field] = at;
  }
  return missing.length > 0 ? { index, missing: capReason(`the CSV header has no column ${missing.join(', ')}`) } : { index };
}

/**
 * Checks a mapping against the CSV header and the config; throws DomainError('invalid') naming
 * every mapped column the header lacks, before any row is read.
 */
export function planRows(header: readonly string[], mapping: CsvMapping, config: OpsConfig, now: number, retentionDays = DEFAULT_RETENTION_DAYS): RowPlan {
  const { index, missing } = columnsOf(header, mapping);
  if (missing) throw new DomainError('invalid', missing);
  for (const [what, value, known] of [
    ['queue', mapping.defaults.queue, config.queueIndex],
    ['team', mapping.defaults.team, config.teamIndex],
  ] as const) {
    if (value !== undefined && !known.has(value)) throw new DomainError('invalid', `defaults: ${what} ${quoteIfOpaque(value) ?? '(a name)'} is not a ${what} in the configuration`);
  }
  for (const [what, map, known] of [
    ['queues', mapping.queues, config.queueIndex],
    ['teams', mapping.teams, config.teamIndex],
  ] as const) {
    const wrong = [...map.values()].filter((id) => !known.has(id));
    if (wrong.length > 0) throw new DomainError('invalid', capReason(`${what}: ${wrong.map((id) => quoteIfOpaque(id) ?? '(a name)').join(', ')} not in the configuration`));
  }
  if (mapping.defaults.priority !== undefined && priorityOf(mapping.defaults.priority) === undefined) throw new DomainError('invalid', 'defaults: priority must be a whole number from 1 to 5');
  if (mapping.timeZone !== undefined && !isTimeZone(mapping.timeZone)) throw new DomainError('invalid', 'time_zone: not a time zone name such as Europe/Berlin or America/Chicago');
  return { mapping, index, zone: mapping.timeZone === undefined ? undefined : new ZoneReader(mapping.timeZone), config, now, retentionDays };
}

/** The task id a cell gives: the cell itself when it is an opaque id, otherwise a SHA-256 prefix of it. */
export function importedTaskId(cell: string): string {
  return isOpaqueId(cell) ? cell : createHash('sha256').update(cell, 'utf8').digest('hex').slice(0, 32);
}

/** The deterministic event id of one kind of event of a task. */
export function importedEventId(kind: string, taskId: string): string {
  const id = `import:${kind}:${taskId}`;
  return id.length <= MAX_EVENT_ID ? id : `import:${kind}:${createHash('sha256').update(taskId, 'utf8').digest('hex').slice(0, 40)}`;
}

function priorityOf(text: string): number | undefined {
  return /^\s*[1-5]\s*$/.test(text) ? Number(text) : undefined;
}

/** The events of one row (cells as the CSV parser gave them), or why the row is rejected. */
export function rowEvents(cells: readonly string[], plan: RowPlan): RowResult {
  const { mapping, index, config } = plan;
  const cell = (field: ImportField) => {
    const i = index[field];
    const value = i === undefined ? undefined : cells[i]?.trim();
    return value === '' ? undefined : value;
  };
  const where = (field: ImportField) => `${field} (column ${shownColumn(mapping.columns[field] ?? '')})`;
  const fail = (field: ImportField, rule: string): RowResult => ({ ok: false, reason: capReason(`${mapping.columns[field] === undefined ? field : where(field)}: ${rule}`) });

  const rawTask = cell('task_id');
  if (rawTask === undefined) return fail('task_id', 'is empty');
  const taskId = importedTaskId(rawTask);

  const rawQueue = cell('queue');
  const queue = rawQueue === undefined ? mapping.defaults.queue : (mapping.queues.get(rawQueue) ?? rawQueue);
  if (queue === undefined) return fail('queue', 'is empty and there is no default queue');
  if (!config.queueIndex.has(queue)) return fail('queue', `${quoteIfOpaque(rawQueue) ?? 'the value'} is not a queue in the configuration: map it (queues=value=queue id)`);

  const rawTeam = cell('team');
  const team = rawTeam === undefined ? mapping.defaults.team : (mapping.teams.get(rawTeam) ?? rawTeam);
  if (team !== undefined && !config.teamIndex.has(team)) return fail('team', `${quoteIfOpaque(rawTeam) ?? 'the value'} is not a team in the configuration: map it (teams=value=team id)`);

  const rawPriority = cell('priority') ?? mapping.defaults.priority;
  const priority = rawPriority === undefined ? undefined : priorityOf(rawPriority);
  if (rawPriority !== undefined && priority === undefined) return fail('priority', 'must be a whole number from 1 to 5');

  const events: ImportedEvent[] = [];
  for (const [field, type] of TIME_FIELDS) {
    const text = cell(field);
    if (text === undefined) {
      if (field === 'created_at') return fail(field, 'is empty: a task needs the time it was created');
      continue;
    }
    const time = readTime(text, plan.zone);
    if (!time.ok) return fail(field, time.rule);
    if (time.ms > plan.now + MAX_FUTURE_MS) return fail(field, 'is more than 5 minutes in the future');
    if (time.ms < plan.now - plan.retentionDays * DAY_MS) return fail(field, `is too old: older than the ${plan.retentionDays}-day retention`);
    const needsTeam = type === 'task.assigned' || type === 'task.started';
    if (needsTeam && team === undefined) return fail('team', `is needed for ${field}: map a team column or give a default team`);
    const kind = type.slice('task.'.length);
    const event: ImportedEvent = { event_id: importedEventId(kind, taskId), type, occurred_at: new Date(time.ms).toISOString(), queue, task_id: taskId };
    if (team !== undefined) event.team = team;
    if (type === 'task.created' && priority !== undefined) event.priority = priority;
    events.push(event);
  }
  return { ok: true, events };
}
