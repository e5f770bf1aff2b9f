import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CapacityChange, CapacityRequest } from '../contracts/alerts.js';
import { CAPACITY_TOPIC } from '../contracts/topics.js';
import { CapacityJournal } from '../server/capacity/capacity-journal.js';
import { ClickHouseCapacityStore } from '../server/capacity/clickhouse-capacity-store.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { EmbeddedEventLog } from '../streams/embedded/embedded-event-log.js';
import { openClickHouseStore, type ClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { refConfig } from './support/random-events.js';

const targets = await clickHouseTargets(await requireEngines());

const T0 = Date.parse('2026-11-26T09:30:00.000Z');

function request(id: string, createdMs: number, over: Partial<CapacityRequest> = {}): CapacityRequest {
  return {
    request_id: id,
    queue: 'insurance',
    partner: 'partner-x',
    agents_requested: 6,
    window_start: new Date(createdMs).toISOString(),
    window_end: new Date(createdMs + 7_200_000).toISOString(),
    respond_by: new Date(createdMs + 900_000).toISOString(),
    reason: { kind: 'demand-peak', alert_id: 'a1', agents_needed: 34, staffed_agents: 28, forecast_next_60m: 300, projected_sla: 0.4, sla_goal: 0.9, time_to_breach_minutes: 35, committed_elsewhere: 0 },
    alert_id: 'a1',
    partner_name: "Partner X's \"BPO\" \\ ünïcode",
    state: 'delivering',
    agents_committed: null,
    attempts: 0,
    last_error: null,
    created_at: new Date(createdMs).toISOString(),
    updated_at: new Date(createdMs).toISOString(),
    answered_at: null,
    escalated_from: null,
    escalated_to: null,
    ...over,
  };
}

/** The same story of changes for both stores: two requests, the first answered. */
function story(): CapacityChange[] {
  const r1 = request('req-1', T0);
  const r2 = request("req-2'; DROP TABLE x; --", T0 + 60_000, { partner: 'partner-y' });
  return [
    { change: 'created', seq: 1, at: r1.created_at, request: r1 },
    { change: 'delivered', seq: 2, at: new Date(T0 + 1000).toISOString(), request: { ...r1, state: 'awaiting_response', attempts: 1 } },
    { change: 'created', seq: 1, at: r2.created_at, request: r2 },
    { change: 'partial', seq: 3, at: new Date(T0 + 120_000).toISOString(), request: { ...r1, state: 'partial', attempts: 1, agents_committed: 2, answered_at: new Date(T0 + 120_000).toISOString() } },
  ];
}

describeOnClickHouse(targets, 'capacity requests stored in ClickHouse (migration 002)', (target) => {
  let metrics: ClickHouseStore;
  beforeAll(async () => {
    metrics = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config: refConfig });
  });
  afterAll(async () => {
    if (!metrics) return;
    await dropTestDatabase(metrics.connection, metrics.database);
    await metrics.close();
  });

  it('keeps every change and answers the latest state of each request, like the embedded store', async () => {
    const clickhouse = new ClickHouseCapacityStore(metrics.connection, metrics.database);
    const embedded = new EmbeddedCapacityStore();
    for (const change of story()) {
      await clickhouse.record(change);
      await embedded.record(change);
    }
    const latest = await clickhouse.latest(T0);
    expect(latest.map((r) => [r.request_id, r.state])).toEqual([
      ["req-2'; DROP TABLE x; --", 'delivering'],
      ['req-1', 'partial'],
    ]);
    expect(latest).toEqual(await embedded.latest(T0));
    expect(await clickhouse.latest(T0 + 1)).toEqual(await embedded.latest(T0 + 1));
    expect((await clickhouse.changes('req-1')).map((c) => [c.seq, c.change])).toEqual([[1, 'created'], [2, 'delivered'], [3, 'partial']]);
    expect(await clickhouse.changes('req-1')).toEqual(await embedded.changes('req-1'));
    expect(await clickhouse.changes('nope')).toEqual([]);
  });

  it("the desk's journal: a write resolves once ClickHouse holds the change, a refused one rejects unpublished, and a restart reads each request's last seq", async () => {
    const quiet = { error() {} };
    const log = new EmbeddedEventLog();
    const published = () => [0, 1, 2, 3, 4, 5].flatMap((p) => log.read(CAPACITY_TOPIC, p, 0, 100)).map((r) => (JSON.parse(r.value) as CapacityChange).change);
    const clickhouse = new ClickHouseCapacityStore(metrics.connection, metrics.database);
    const journal = new CapacityJournal(clickhouse, log, quiet);
    const r3 = request('req-3', T0 + 5 * 60_000);
    await journal.write({ change: 'created', seq: 1, at: r3.created_at, request: r3 });
    expect((await clickhouse.changes('req-3')).map((c) => c.change)).toEqual(['created']);
    expect(published()).toEqual(['created']);

    // ClickHouse refuses (no such database): retried, then rejected; the topic never hears of it.
    const nowhere = new CapacityJournal(new ClickHouseCapacityStore(metrics.connection, uniqueName('no_such_db')), log, quiet, { retry: { attempts: 2, backoff: { baseMs: 5, maxMs: 10 } } });
    await expect(nowhere.write({ change: 'accepted', seq: 2, at: r3.created_at, request: { ...r3, state: 'accepted' } })).rejects.toThrow();
    expect(published()).toEqual(['created']);

    // A restart reads the latest state of each request with its last seq, which later changes continue.
    const r4 = request('req-4', T0 + 6 * 60_000);
    await journal.write({ change: 'delivered', seq: 2, at: r3.created_at, request: { ...r3, state: 'awaiting_response', attempts: 1 } });
    await journal.write({ change: 'created', seq: 1, at: r4.created_at, request: r4 });
    expect((await journal.load(T0 + 5 * 60_000)).map((s) => [s.request.request_id, s.request.state, s.seq])).toEqual([
      ['req-3', 'awaiting_response', 2],
      ['req-4', 'delivering', 1],
    ]);
    await log.close();
  });
});
