/**
 * A work-queue export as a hospital's system writes it: one row per task, display names for
 * queues and teams, local times without an offset (America/Chicago), and columns the import must
 * never read (a patient's name, free-text notes). `eventsOf` is the test's own reading of what
 * those rows mean, written apart from the import's code, to compare the product against.
 */
import type { OpsConfig } from '../../contracts/config.js';
import type { OpsEvent } from '../../contracts/events.js';

export const EXPORT_ZONE = 'America/Chicago';
export const EXPORT_HEADER = ['Case ID', 'Patient Name', 'Work Queue', 'Assigned Group', 'Priority', 'Opened', 'Work Started', 'Closed', 'Cancelled', 'Notes'];
export const PATIENT_NAMES = ['Jane Q. Public', 'Juan Pérez-García', "Mary O'Hara", 'Zhang Wei'];

export const QUEUE_LABELS: Record<string, string> = {
  registration: 'Patient Access - Registration',
  scheduling: 'Scheduling',
  insurance: 'Prior Authorization',
  documentation: 'HIM Coding',
  billing: 'Billing Follow-up',
  communication: 'Patient Messages',
};
export const TEAM_LABELS: Record<string, string> = {
  'inhouse-access': 'Patient Access',
  'inhouse-rcm': 'Revenue Cycle',
  'inhouse-him': 'HIM',
  'partner-northwind': 'Northwind BPO',
  'partner-meridian': 'Meridian Health Services',
};

/** The import's query for this export (HTTP) or the command's options. */
export const EXPORT_QUERY = {
  format: 'csv',
  map: 'task_id=Case ID,queue=Work Queue,team=Assigned Group,priority=Priority,created_at=Opened,started_at=Work Started,completed_at=Closed,cancelled_at=Cancelled',
  queues: Object.entries(QUEUE_LABELS).map(([id, label]) => `${label}=${id}`).join(','),
  teams: Object.entries(TEAM_LABELS).map(([id, label]) => `${label}=${id}`).join(','),
  time_zone: EXPORT_ZONE,
};

export interface ExportTask {
  id: string;
  queue: string;
  team: string;
  priority: number;
  created: number;
  started?: number;
  completed?: number;
  cancelled?: number;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` tasks created over the `hours` before `now` (whole seconds), a mix of open, started, closed and cancelled. */
export function exportTasks(config: OpsConfig, now: number, count: number, seed: number, hours = 48): ExportTask[] {
  const next = random(seed);
  const tasks: ExportTask[] = [];
  for (let i = 0; i < count; i++) {
    const queue = config.queues[Math.floor(next() * config.queues.length)].id;
    const serving = config.teams.filter((t) => t.queues.includes(queue));
    const team = serving[Math.floor(next() * serving.length)].id;
    const created = Math.floor((now - next() * hours * 3600_000) / 1000) * 1000;
    const task: ExportTask = { id: `CASE-${seed}-${i}`, queue, team, priority: 1 + Math.floor(next() * 5), created };
    const roll = next();
    const startAt = created + Math.floor(next() * 3 * 3600) * 1000;
    if (roll < 0.7 && startAt <= now) {
      task.started = startAt;
      const doneAt = startAt + Math.floor(next() * 2 * 3600) * 1000;
      if (roll < 0.5 && doneAt <= now) task.completed = doneAt;
    } else if (roll > 0.9) task.cancelled = Math.min(now, created + 600_000);
    tasks.push(task);
  }
  return tasks;
}

const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: EXPORT_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const local = (ms: number | undefined) => (ms === undefined ? '' : wall.format(new Date(ms)));
const quoted = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** One CSV line (no line break) for a task. */
export function exportRow(t: ExportTask, i: number): string {
  const notes = i % 3 === 0 ? `Called ${PATIENT_NAMES[i % PATIENT_NAMES.length]}, "left voicemail", will retry` : '';
  return [t.id, PATIENT_NAMES[i % PATIENT_NAMES.length], QUEUE_LABELS[t.queue], TEAM_LABELS[t.team], String(t.priority), local(t.created), local(t.started), local(t.completed), local(t.cancelled), notes]
    .map(quoted)
    .join(',');
}

/** The whole export: header and rows, CRLF as spreadsheet tools write it. */
export function exportCsv(tasks: readonly ExportTask[]): string {
  return [EXPORT_HEADER.join(','), ...tasks.map(exportRow)].join('\r\n') + '\r\n';
}

/** What the rows mean as events (ids are the test's own: metrics do not depend on them). */
export function eventsOf(tasks: readonly ExportTask[]): OpsEvent[] {
  const events: OpsEvent[] = [];
  for (const t of tasks) {
    const at = (ms: number) => new Date(ms).toISOString();
    const base = { queue: t.queue, task_id: t.id, team: t.team };
    events.push({ event_id: `${t.id}/c`, type: 'task.created', occurred_at: at(t.created), ...base, priority: t.priority });
    if (t.started !== undefined) events.push({ event_id: `${t.id}/s`, type: 'task.started', occurred_at: at(t.started), ...base });
    if (t.completed !== undefined) events.push({ event_id: `${t.id}/d`, type: 'task.completed', occurred_at: at(t.completed), ...base });
    if (t.cancelled !== undefined) events.push({ event_id: `${t.id}/x`, type: 'task.cancelled', occurred_at: at(t.cancelled), ...base });
  }
  return events;
}
