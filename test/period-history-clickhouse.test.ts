/**
 * The recorded-period reads (`staffingHistory`, `periodTasks`) on ClickHouse (18.16 over HTTP,
 * current ClickHouse in chDB) equal the embedded ones on random event sets: the engine's staffing
 * history and the durable store's journal read (the events written to a SQLite journal as the
 * product writes them: the first copy of each id), both checked first against a brute-force
 * reading of the events. Ranges cut through the events' span, on and beside their instants.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { OpsEvent, StaffingEvent } from '../contracts/events.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { openDataDir } from '../streams/durable/data-dir.js';
import { readPeriodTasks } from '../streams/durable/period-tasks.js';
import { occurredAtOf, SqliteLogJournal } from '../streams/durable/sqlite-log-journal.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import type { PeriodTask, StaffingChange } from '../streams/metrics-store.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());
const H = 3600_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const edge = fc.oneof(
  fc.integer({ min: -4, max: 1 }).map((h) => REF_NOW + h * H),
  fc.integer({ min: -200, max: 5 }).map((m) => REF_NOW + m * 60_000),
  fc.integer({ min: -4 * H, max: 5 * 60_000 }).map((ms) => REF_NOW + ms),
);

/** The first copy of each event id: what the product stores. */
function firstCopies(delivered: readonly OpsEvent[]): OpsEvent[] {
  const seen = new Set<string>();
  return delivered.filter((e) => !seen.has(e.event_id) && seen.add(e.event_id));
}

/** Brute force: each pair's latest change at or before `from`, then those in (from, to). */
function staffingReference(events: readonly OpsEvent[], from: number, to: number): StaffingChange[] {
  const all = events
    .filter((e): e is StaffingEvent => e.type === 'staffing.updated')
    .map((e) => ({ queue: e.queue, team: e.team, atMs: Date.parse(e.occurred_at), eventId: e.event_id, agents: e.agents }));
  const key = (c: StaffingChange) => `${c.atMs}|${c.queue}|${c.team}|${c.eventId}`;
  const cmp = (a: StaffingChange, b: StaffingChange) => a.atMs - b.atMs || (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.team < b.team ? -1 : a.team > b.team ? 1 : a.eventId < b.eventId ? -1 : 1);
  const baseline = new Map<string, StaffingChange>();
  for (const c of [...all].sort(cmp)) if (c.atMs <= from) baseline.set(`${c.queue}|${c.team}`, c);
  const out = [...baseline.values(), ...all.filter((c) => c.atMs > from && c.atMs < to)];
  return out.sort(cmp).filter((c, i, a) => i === 0 || key(c) !== key(a[i - 1]));
}

/** Brute force: the first time of each kind per task over the events in [from, to). */
function tasksReference(events: readonly OpsEvent[], from: number, to: number): PeriodTask[] {
  const byTask = new Map<string, OpsEvent[]>();
  for (const e of events) {
    const at = Date.parse(e.occurred_at);
    if (e.type === 'staffing.updated' || at < from || at >= to) continue;
    byTask.set(e.task_id, [...(byTask.get(e.task_id) ?? []), e]);
  }
  const min = (list: OpsEvent[], types: string[]) => {
    const times = list.filter((e) => types.includes(e.type)).map((e) => Date.parse(e.occurred_at));
    return times.length === 0 ? null : Math.min(...times);
  };
  return [...byTask.entries()]
    .map(([taskId, list]) => {
      const created = list.filter((e) => e.type === 'task.created');
      const queue = (created.length > 0 ? created : list).map((e) => e.queue).sort()[0];
      return {
        taskId, queue, createdAt: min(list, ['task.created']), heldAt: min(list, ['task.assigned', 'task.started']), startAt: min(list, ['task.started']),
        completedAt: min(list, ['task.completed']), cancelledAt: min(list, ['task.cancelled']),
      };
    })
    .sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
}

it('reads the embedded staffing history and the journal as a brute-force reading of the events does', () => {
  fc.assert(
    fc.property(eventSetArb, fc.array(fc.tuple(edge, edge), { minLength: 1, maxLength: 4 }), (delivered, ranges) => {
      const stored = firstCopies(delivered);
      const engine = new MetricsEngine(refConfig);
      for (const e of delivered) engine.apply(e);
      const dir = mkdtempSync(join(tmpdir(), 'occ-period-'));
      dirs.push(dir);
      const data = openDataDir(dir);
      try {
        const journal = new SqliteLogJournal(data, (_t, r, now) => occurredAtOf(r, now), () => REF_NOW);
        journal.write(EVENTS_TOPIC, stored.map((e, i) => ({ topic: EVENTS_TOPIC, partition: i % 3, offset: Math.floor(i / 3), key: e.event_id, value: JSON.stringify(e) })));
        for (const [a, b] of ranges) {
          const [from, to] = [Math.min(a, b), Math.max(a, b) + 1];
          expect(engine.staffingChanges(from, to)).toEqual(staffingReference(stored, from, to));
          expect(readPeriodTasks(journal, from, to)).toEqual(tasksReference(stored, from, to));
        }
      } finally {
        data.close();
      }
    }),
    { numRuns: 60 },
  );
});

describeOnClickHouse(targets, 'the recorded-period reads on ClickHouse against the embedded ones', (target) => {
  const stores: ClickHouseStore[] = [];
  afterAll(async () => {
    for (const store of stores) {
      await dropTestDatabase(store.connection, store.database);
      await store.close();
    }
  });

  it('gives the same staffing changes and the same tasks with their first times', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(eventSetArb, fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(edge, edge), { minLength: 1, maxLength: 3 }), async (delivered, batches, ranges) => {
        const stored = firstCopies(delivered);
        const engine = new MetricsEngine(refConfig);
        const store = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config: refConfig });
        stores.push(store);
        const size = Math.ceil(delivered.length / batches) || 1;
        for (let i = 0; i < delivered.length; i += size) {
          const chunk = delivered.slice(i, i + size);
          for (const e of chunk) engine.apply(e);
          await store.apply(chunk);
        }
        for (const [a, b] of [[REF_NOW - 5 * H, REF_NOW + H], ...ranges]) {
          const [from, to] = [Math.min(a, b), Math.max(a, b) + 1];
          const tasks = tasksReference(stored, from, to);
          const staffing = engine.staffingChanges(from, to);
          if (tasks.length > 0 && staffing.length > 0) nonEmpty++;
          expect(await store.staffingHistory(from, to)).toEqual(staffing);
          expect(await store.periodTasks(from, to)).toEqual(tasks);
        }
      }),
      { numRuns: 20 },
    );
    expect(nonEmpty).toBeGreaterThan(5);
  });
});
