/**
 * The what-if's recorded period read from the store equals the one built from the raw events:
 * two days of the simulator's default network written to the durable store's SQLite journal and
 * applied to its engine, read back by `readPeriodFacts` and `periodOf`, give the arrivals, the
 * staffing steps, the handling times and the measured SLA of `periodFromEvents`, and so the same
 * calibration (within 5 points of what was measured); the ClickHouse store (18.16 over HTTP,
 * chDB) reads the same facts from the same events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig, type OpsConfig } from '../contracts/config.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { openDataDir } from '../streams/durable/data-dir.js';
import { readPeriodTasks } from '../streams/durable/period-tasks.js';
import { occurredAtOf, SqliteLogJournal } from '../streams/durable/sqlite-log-journal.js';
import { EmbeddedMetricsStore } from '../streams/embedded/embedded-store.js';
import { periodFromEvents, type QueueSettings } from '../server/what-if/period-from-events.js';
import { periodOf, readPeriodFacts } from '../server/what-if/period-from-store.js';
import { calibrate } from '../server/what-if/replay.js';
import { openClickHouseStore } from '../streams/clickhouse/clickhouse-store.js';
import type { PeriodFacts } from '../server/what-if/period-from-store.js';
import { clickHouseTargets, describeOnClickHouse, dropTestDatabase } from './support/clickhouse-targets.js';
import { requireEngines, uniqueName } from './support/engines.js';
import { ROOT } from './support/process.js';

const H = 3600_000;
const MONDAY = Date.parse('2026-11-23T00:00:00.000Z');
const base = loadConfig(`${ROOT}/seed/default-config.json`);
// NOTE: one cost per kind, so the store's cost rates are comparable with periodFromEvents' settings.
const config: OpsConfig = { ...base, teams: base.teams.map((t) => ({ ...t, cost_per_agent_hour: t.kind === 'inhouse' ? 40 : 30 })) };
config.teamIndex = new Map(config.teams.map((t) => [t.id, t]));
const targets = await clickHouseTargets(await requireEngines());
const FROM = MONDAY;
const TO = MONDAY + 48 * H;
const EVENTS = new BackOfficeModel({ config, startMs: FROM - 12 * H, seed: 7 }).advanceTo(TO + 12 * H);
/** The embedded store's facts, for the ClickHouse side to equal. */
let embeddedFacts: PeriodFacts | undefined;
const dir = mkdtempSync(join(tmpdir(), 'occ-store-period-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('gives the period and the calibration periodFromEvents gives on two days of simulator events', async () => {
  const [from, to, events] = [FROM, TO, EVENTS];
  const data = openDataDir(dir);
  try {
    const journal = new SqliteLogJournal(data, (_t, r, now) => occurredAtOf(r, now), () => to + 12 * H);
    for (let i = 0; i < events.length; i += 5000) {
      const chunk = events.slice(i, i + 5000);
      journal.write(EVENTS_TOPIC, chunk.map((e, k) => ({ topic: EVENTS_TOPIC, partition: 0, offset: i + k, key: e.event_id, value: JSON.stringify(e) })));
    }
    const store = new EmbeddedMetricsStore(config, () => to + 12 * H, 40 * 24 * H, (a, b) => readPeriodTasks(journal, a, b));
    await store.apply(events);

    const started = performance.now();
    const facts = await readPeriodFacts(store, from, to);
    const fromStore = periodOf(facts, config);
    embeddedFacts = facts;
    console.info(`${events.length} events; the period read and built in ${Math.round(performance.now() - started)} ms`);

    const teamKind = new Map(config.teams.map((t) => [t.id, t.kind]));
    const settings: QueueSettings[] = config.queues.map((q) => {
      const own = fromStore.period.queues.find((r) => r.id === q.id)!;
      return { id: q.id, slaTargetSeconds: q.sla.target_seconds, slaGoal: q.sla.goal, sensitive: q.sensitive, defaultHandlingSeconds: q.handling_seconds, costPerAgentHourInhouse: own.costPerAgentHourInhouse, costPerAgentHourPartner: own.costPerAgentHourPartner };
    });
    // NOTE: in the model's order (by time, a task created before it starts at the same instant).
    const fromEvents = periodFromEvents(events, settings, teamKind, from, to);

    expect(fromStore.measuredSlaByQueue).toEqual(fromEvents.measuredSlaByQueue);
    for (const [i, q] of fromStore.period.queues.entries()) {
      const want = fromEvents.period.queues[i];
      expect(q.arrivals, q.id).toEqual(want.arrivals);
      expect(q.staffing, q.id).toEqual(want.staffing);
      expect([...q.handlingSeconds].sort((a, b) => a - b), q.id).toEqual([...want.handlingSeconds].sort((a, b) => a - b));
    }
    for (const c of calibrate(fromStore.period, fromStore.measuredSlaByQueue, 7)) {
      expect(Math.abs(c.replayed_sla_attainment! - c.recorded_sla_attainment!), c.queue).toBeLessThanOrEqual(0.05);
    }
  } finally {
    data.close();
  }
}, 120_000);

describeOnClickHouse(targets, 'the period read from ClickHouse', (target) => {
  it('gives the facts the embedded store gives', async () => {
    expect(embeddedFacts, 'the embedded test ran first').toBeDefined();
    const store = await openClickHouseStore({ connection: await target.connect(), database: uniqueName('ops_test'), config });
    try {
      for (let i = 0; i < EVENTS.length; i += 20_000) await store.apply(EVENTS.slice(i, i + 20_000));
      expect(await readPeriodFacts(store, FROM, TO)).toEqual(embeddedFacts);
    } finally {
      await dropTestDatabase(store.connection, store.database);
      await store.close();
    }
  }, 120_000);
});
