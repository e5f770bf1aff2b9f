/**
 * The ClickHouse store owns the partitions its worker is assigned (issue 10), on 18.16 and on
 * current ClickHouse: a batch read again is a replay by its offsets, a resend is caught from the
 * task's ids, a new task costs no look-up, only an evicted task is read back, a recreated topic's
 * stored offsets are ignored, task states of an earlier version move over, and any text survives
 * the TabSeparated insert. Every case is checked against the embedded engine's numbers.
 */
import { afterAll, expect, it } from 'vitest';
import type { OpsEvent } from '../contracts/events.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { loadMigrations, migrate } from '../streams/clickhouse/migrate.js';
import { ident, Sql, sql } from '../streams/clickhouse/sql.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import type { PartitionBatch } from '../streams/metrics-store.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());
const iso = (ms: number) => new Date(ms).toISOString();
const withoutTime = <T extends { generated_at: string }>(x: T) => ({ ...x, generated_at: undefined });
const TOPIC = 'ops.task-events';

/** Lifecycles of `n` tasks in `queue`: created, started, and (every other one) completed. */
function lifecycles(prefix: string, n: number, completedEvery = 2): OpsEvent[] {
  const out: OpsEvent[] = [];
  for (let i = 0; i < n; i++) {
    const at = REF_NOW - 50 * 60_000 + i * 1000;
    const task_id = `${prefix}-t${i}`;
    out.push({ event_id: `${prefix}-c${i}`, type: 'task.created', occurred_at: iso(at), queue: 'registration', task_id });
    out.push({ event_id: `${prefix}-s${i}`, type: 'task.started', occurred_at: iso(at + 30_000), queue: 'registration', task_id, team: 'inhouse-a' });
    if (i % completedEvery === 0) out.push({ event_id: `${prefix}-d${i}`, type: 'task.completed', occurred_at: iso(at + 90_000), queue: 'registration', task_id });
  }
  return out;
}

const batch = (events: OpsEvent[], firstOffset: number, partition = 0): PartitionBatch => ({
  topic: TOPIC,
  partition,
  events,
  offsets: events.map((_, i) => firstOffset + i),
  lastOffset: firstOffset + events.length - 1,
});

describeOnClickHouse(targets, 'ClickHouse store owning partitions', (target) => {
  const stores: ClickHouseStore[] = [];
  async function open(database: string, closedTasksKept?: number): Promise<ClickHouseStore> {
    const store = await openClickHouseStore({ connection: await target.connect(), database, config: refConfig, closedTasksKept });
    stores.push(store);
    return store;
  }
  afterAll(async () => {
    const dropped = new Set<string>();
    for (const store of stores) {
      if (!dropped.has(store.database)) await dropTestDatabase(store.connection, store.database);
      dropped.add(store.database);
      await store.close();
    }
  });
  const expectSame = async (store: ClickHouseStore, engine: MetricsEngine) => {
    expect(withoutTime(await store.snapshot(REF_NOW))).toEqual(withoutTime(engine.snapshot(REF_NOW)));
    expect(withoutTime(await store.history('registration', 90, REF_NOW))).toEqual(withoutTime(engine.history('registration', 90, REF_NOW)));
  };

  it('recognises a batch read again after a restart by its offsets, staffing and assignments included', async () => {
    const database = uniqueName('ops_test');
    const events: OpsEvent[] = [
      ...lifecycles('r', 30),
      { event_id: 'r-a1', type: 'task.assigned', occurred_at: iso(REF_NOW - 60_000), queue: 'registration', task_id: 'r-t1', team: 'inhouse-b' },
      { event_id: 'r-st', type: 'staffing.updated', occurred_at: iso(REF_NOW - 60_000), queue: 'registration', team: 'inhouse-a', agents: 7 },
    ];
    const engine = new MetricsEngine(refConfig);
    for (const e of events) engine.apply(e);
    const first = await open(database);
    first.assign!(TOPIC, [0], Promise.resolve(new Map([[0, 1000]])));
    expect(await first.applyPartitions!([batch(events, 100)])).toEqual({ applied: events.length, duplicates: 0 });

    // A restart (or another worker taking the partition over) before the commit reached Kafka.
    const second = await open(database);
    second.assign!(TOPIC, [0], Promise.resolve(new Map([[0, 1000]])));
    expect(await second.applyPartitions!([batch(events, 100)])).toEqual({ applied: 0, duplicates: events.length });
    expect(second.stats().lookedUp).toBe(0);
    await expectSame(second, engine);
  });

  it('catches a resend from the task it holds, and from ClickHouse once the task was evicted', async () => {
    const database = uniqueName('ops_test');
    const events = lifecycles('e', 400, 1); // every task closes
    const engine = new MetricsEngine(refConfig);
    for (const e of events) engine.apply(e);
    const store = await open(database, 1000); // keeps 1,000 closed tasks: all 400 stay in memory
    expect((await store.applyPartitions!([batch(events, 0)])).applied).toBe(events.length);
    // Resent at new offsets: the same event ids.
    const resent = [events[0], events[events.length - 1]];
    expect(await store.applyPartitions!([batch(resent, events.length)])).toEqual({ applied: 0, duplicates: 2 });
    expect(store.stats().lookedUp).toBe(0);

    // A store that keeps the fewest closed tasks (a floor of 1,000 per partition): evicted ones are read back.
    const small = await open(database, 1);
    const many = lifecycles('f', 1500, 1);
    for (const e of many) engine.apply(e);
    expect((await small.applyPartitions!([batch(many, 10_000)])).applied).toBe(many.length);
    expect(small.stats().closed).toBeLessThanOrEqual(1000);
    const old = [many[0], many[1], events[2]];
    expect(await small.applyPartitions!([batch(old, 20_000)])).toEqual({ applied: 0, duplicates: 3 });
    expect(small.stats().lookedUp).toBeGreaterThanOrEqual(2);
    await expectSame(small, engine);
  });

  it('looks up no new task: the filter of stored task ids says no (about 1% say maybe)', async () => {
    const database = uniqueName('ops_test');
    const store = await open(database);
    await store.applyPartitions!([batch(lifecycles('n', 3000), 0)]);
    // A restart loads the filter from ClickHouse; 2,000 new tasks come.
    const again = await open(database);
    await again.applyPartitions!([batch(lifecycles('m', 2000), 50_000)]);
    expect(again.stats().lookedUp).toBeLessThan(2000 * 0.05);
  });

  it('loads the open tasks of a partition it is assigned, and carries them on', async () => {
    const database = uniqueName('ops_test');
    const events = lifecycles('o', 50); // every other task stays open
    const engine = new MetricsEngine(refConfig);
    for (const e of events) engine.apply(e);
    await (await open(database)).applyPartitions!([batch(events, 0)]);
    const later: OpsEvent[] = [];
    for (let i = 1; i < 50; i += 2) later.push({ event_id: `o-late-d${i}`, type: 'task.completed', occurred_at: iso(REF_NOW - 1000), queue: 'registration', task_id: `o-t${i}` });
    for (const e of later) engine.apply(e);
    const next = await open(database);
    expect(await next.applyPartitions!([batch(later, events.length)])).toEqual({ applied: later.length, duplicates: 0 });
    expect(next.stats().lookedUp).toBe(0);
    expect(next.stats().open).toBe(0);
    await expectSame(next, engine);
    const openRows = await next.connection.query<{ n: number }>(
      sql`SELECT count() AS n FROM (SELECT task_id FROM ${ident(database)}.open_tasks GROUP BY part, task_id HAVING sum(sign) > 0)`,
    );
    expect(Number(openRows[0].n)).toBe(0);
  });

  it('ignores stored offsets at or past the end of a recreated topic', async () => {
    const database = uniqueName('ops_test');
    const first = await open(database);
    first.assign!(TOPIC, [0], Promise.resolve(new Map([[0, 5000]])));
    await first.applyPartitions!([batch(lifecycles('x', 10), 4000)]);
    // The topic was deleted and made again: its partition 0 now ends at 12.
    const second = await open(database);
    second.assign!(TOPIC, [0], Promise.resolve(new Map([[0, 12]])));
    const fresh = lifecycles('y', 4);
    expect(await second.applyPartitions!([batch(fresh, 0)])).toEqual({ applied: fresh.length, duplicates: 0 });
  });

  it('writes a batch once when its INSERT was stored but failed on our side, and the write is tried again', async () => {
    const database = uniqueName('ops_test');
    const connection = await target.connect();
    // Fault injection over the real connection: the first INSERT reaches ClickHouse, then the call fails (a timeout).
    const insert = connection.insertTsv.bind(connection);
    let failNext = true;
    connection.insertTsv = async (table, columns, payload) => {
      await insert(table, columns, payload);
      if (failNext) {
        failNext = false;
        throw new Error('timed out waiting for the answer');
      }
    };
    const store = await openClickHouseStore({ connection, database, config: refConfig });
    stores.push(store);
    const events = lifecycles('t', 40);
    const engine = new MetricsEngine(refConfig);
    for (const e of events) engine.apply(e);
    await expect(store.applyPartitions!([batch(events, 0)])).rejects.toThrow('timed out');
    // The coalescer tries the same batch again.
    expect(await store.applyPartitions!([batch(events, 0)])).toEqual({ applied: 0, duplicates: events.length });
    await expectSame(store, engine);
  });

  it('keeps any text an event id may hold, through the TabSeparated insert', async () => {
    const database = uniqueName('ops_test');
    const store = await open(database);
    const ids = ["tab\there", 'new\nline', 'back\\slash', "quote'd", 'crlf\r\n', 'ümlaut-✓', "\\'\t\\n"];
    const events: OpsEvent[] = ids.map((id, i) => ({ event_id: id, type: 'task.created', occurred_at: iso(REF_NOW - i * 1000), queue: 'registration', task_id: `txt-${i}` }));
    await store.apply(events);
    expect(await store.knownEventIds(ids)).toEqual(new Set(ids));
    const stored = await store.connection.query<{ ids: string[] }>(sql`SELECT event_ids AS ids FROM ${ident(database)}.task_states ORDER BY task_id`);
    expect(stored.map((r) => r.ids[0])).toEqual(ids);
    // A restart reads the same ids back and recognises every one.
    expect(await (await open(database)).apply(events)).toEqual({ applied: 0, duplicates: ids.length });
  });

  it('moves the task states and aggregates an earlier version stored (migration 004), and carries an open task on', async () => {
    const database = uniqueName('ops_test');
    const connection = await target.connect();
    const db = ident(database);
    // The schema before migration 004, with one open task and one closed task as the former store wrote them.
    await connection.command(sql`CREATE DATABASE ${db}`);
    await connection.command(sql`CREATE TABLE ${db}.schema_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`);
    for (const m of loadMigrations(database).filter((m) => m.version < 4)) {
      for (const statement of m.statements) await connection.command(new Sql(statement));
      await connection.command(sql`INSERT INTO ${db}.schema_migrations (version, name) SELECT ${m.version}, ${m.name}`);
    }
    const created = REF_NOW - 20 * 60_000;
    await connection.command(sql`INSERT INTO ${db}.task_state (task_id, queue, created_at, created_by, version) SELECT 'old-open', 'registration', ${created}, 'old-c1', 1`);
    await connection.command(sql`INSERT INTO ${db}.task_state (task_id, queue, created_at, created_by, completed_at, version) SELECT 'old-done', 'registration', ${created}, 'old-c2', ${created + 60_000}, 2`);
    await connection.command(sql`INSERT INTO ${db}.events (event_id, type, task_id, queue, occurred_at) SELECT 'old-c1', 'task.created', 'old-open', 'registration', ${created}`);
    await connection.command(sql`INSERT INTO ${db}.open_counts (queue, team, started, n) SELECT 'registration', '', 0, 1`);
    await connection.command(sql`INSERT INTO ${db}.waiting (queue, created_at, n) SELECT 'registration', ${created}, 1`);
    await connection.command(sql`INSERT INTO ${db}.window_facts (queue, team, fact, at, wait_ms, n) SELECT 'registration', '', 1, ${created}, 0, 2`);
    await connection.command(sql`INSERT INTO ${db}.window_facts (queue, team, fact, at, wait_ms, n) SELECT 'registration', '', 2, ${created + 60_000}, 0, 1`);
    await connection.command(sql`INSERT INTO ${db}.minute_counts (queue, minute, arrivals, completions, leaves) SELECT 'registration', ${Math.floor(created / 60_000)}, 2, 0, 0`);
    await connection.command(sql`INSERT INTO ${db}.minute_counts (queue, minute, arrivals, completions, leaves) SELECT 'registration', ${Math.floor((created + 60_000) / 60_000)}, 0, 1, 1`);
    expect(await migrate(connection, database)).toEqual(['004_owned_partitions.sql', '005_period_history.sql', '006_drop_former_tables.sql']);
    await connection.close();

    const engine = new MetricsEngine(refConfig);
    const before: OpsEvent[] = [
      { event_id: 'old-c1', type: 'task.created', occurred_at: iso(created), queue: 'registration', task_id: 'old-open' },
      { event_id: 'old-c2', type: 'task.created', occurred_at: iso(created), queue: 'registration', task_id: 'old-done' },
      { event_id: 'old-d2', type: 'task.completed', occurred_at: iso(created + 60_000), queue: 'registration', task_id: 'old-done' },
    ];
    for (const e of before) engine.apply(e);
    const store = await open(database);
    await expectSame(store, engine);
    // Migration 005 copied the raw events stored before it into the period reads.
    expect((await store.periodTasks(created, created + 1)).map((t) => [t.taskId, t.createdAt])).toEqual([['old-open', created]]);
    const next: OpsEvent[] = [
      { event_id: 'old-c1', type: 'task.created', occurred_at: iso(created), queue: 'registration', task_id: 'old-open' }, // a resend
      { event_id: 'new-s1', type: 'task.started', occurred_at: iso(created + 120_000), queue: 'registration', task_id: 'old-open', team: 'inhouse-a' },
    ];
    for (const e of next) engine.apply(e);
    expect(await store.apply(next)).toEqual({ applied: 1, duplicates: 1 });
    await expectSame(store, engine);
    // The open task's row of the earlier version (part 65535) is cancelled: one open row, in partition 0.
    const openRows = await store.connection.query<{ part: number }>(
      sql`SELECT part FROM ${db}.open_tasks GROUP BY part, task_id HAVING sum(sign) > 0`,
    );
    expect(openRows.map((r) => Number(r.part))).toEqual([0]);
  });
});
