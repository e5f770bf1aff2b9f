/**
 * Snapshot and history over the aggregate tables, computed by ClickHouse. Every read is bounded by
 * what it asks for: open counts and the waiting line (as large as the backlog), the facts of the
 * window or of the minutes asked for (a primary-key range), the latest staffing per team.
 *
 * Quantiles are nearest-rank, as in the embedded engine: over (wait, count) pairs sorted by wait,
 * the first wait whose running count reaches ceil(q * n).
 */
import type { OpsConfig } from '../../contracts/config.js';
import { MINUTE_MS, toHistoryPoints, type RawMinute } from '../embedded/minute-history.js';
import { assembleSnapshot, emptyValues, type MetricsHistory, type MetricsSnapshot, type MetricValues } from '../../contracts/metrics-snapshot.js';
import { FACT } from './batch-rows.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { ident, inList, Sql, sql } from './sql.js';

const rows = <T>(connection: ClickHouseConnection, query: Sql): Promise<T[]> => connection.query<T>(query);

/** `transform(queue, ids, values, 0)`: a per-queue constant from the config, as SQL. */
function perQueue(config: OpsConfig, value: (targetSeconds: number) => number): Sql {
  const ids = config.queues.map((q) => q.id);
  const values = config.queues.map((q) => value(q.sla.target_seconds));
  return sql`toInt64(transform(queue, ${ids}, ${values}, 0))`;
}

/** Aggregates of (wait_ms, c) rows: count, attained, nearest-rank p50 and p90. */
const WAIT_STATS = (config: OpsConfig) => sql`
  sum(c) AS cnt,
  sumIf(c, wait_ms <= ${perQueue(config, (t) => t * 1000)}) AS attained,
  arraySort(x -> x.1, groupArray((wait_ms, c))) AS pairs,
  arrayCumSum(arrayMap(x -> x.2, pairs)) AS cum,
  pairs[arrayFirstIndex(x -> x >= ceil(0.5 * cnt), cum)].1 AS p50,
  pairs[arrayFirstIndex(x -> x >= ceil(0.9 * cnt), cum)].1 AS p90`;

type OpenRow = { queue: string; team: string; started: number; c: number };
type WaitingRow = { queue: string; waiting: number; oldest: number; breached: number; past_risk: number };
type FactRow = { queue: string; team: string; fact: number; cnt: number; attained: number; p50: number; p90: number };
type StaffRow = { queue: string; team: string; agents: number };

/** The snapshot at `nowMs` (SPEC section 3). */
export async function readSnapshot(connection: ClickHouseConnection, database: string, config: OpsConfig, nowMs: number): Promise<MetricsSnapshot> {
  const db = ident(database);
  const lo = nowMs - config.window_minutes * MINUTE_MS;
  const [open, waiting, facts, staffing] = await Promise.all([
    rows<OpenRow>(connection, sql`SELECT queue, team, started, sum(n) AS c FROM ${db}.open_counts GROUP BY queue, team, started HAVING c != 0`),
    rows<WaitingRow>(connection, sql`
      SELECT queue, sum(c) AS waiting, min(created_at) AS oldest,
        sumIf(c, created_at < ${nowMs} - ${perQueue(config, (t) => t * 1000)}) AS breached,
        sumIf(c, created_at < ${nowMs} - ${perQueue(config, (t) => t * 800)}) AS past_risk
      FROM (SELECT queue, created_at, sum(n) AS c FROM ${db}.waiting GROUP BY queue, created_at HAVING c > 0)
      GROUP BY queue`),
    rows<FactRow>(connection, sql`
      SELECT queue, team, fact, ${WAIT_STATS(config)}
      FROM (
        SELECT queue, team, fact, wait_ms, sum(n) AS c FROM ${db}.window_facts
        WHERE at > ${lo} AND at <= ${nowMs} GROUP BY queue, team, fact, wait_ms HAVING c > 0
      )
      GROUP BY queue, team, fact`),
    rows<StaffRow>(connection, sql`SELECT queue, team, argMaxMerge(latest) AS agents FROM ${db}.staffing GROUP BY queue, team`),
  ]);

  const values = new Map<string, MetricValues>(); // key: queue|team ('' for the queue)
  const get = (queue: string, team: string) => {
    let v = values.get(`${queue}|${team}`);
    if (!v) values.set(`${queue}|${team}`, (v = emptyValues()));
    return v;
  };
  for (const r of open) {
    const v = get(r.queue, r.team);
    v.backlog += Number(r.c);
    if (Number(r.started)) v.in_progress += Number(r.c);
  }
  for (const r of waiting) {
    const v = get(r.queue, '');
    v.waiting = Number(r.waiting);
    v.oldest_wait_seconds = Math.max(0, Math.floor((nowMs - Number(r.oldest)) / 1000));
    v.breached = Number(r.breached);
    v.at_risk = Number(r.past_risk) - Number(r.breached);
  }
  for (const r of facts) {
    const v = get(r.queue, r.team);
    const n = Number(r.cnt);
    if (Number(r.fact) === FACT.arrival) v.arrivals = n;
    else if (Number(r.fact) === FACT.completion) v.completions = n;
    else {
      v.started = n;
      v.wait_p50_seconds = Number(r.p50) / 1000;
      v.wait_p90_seconds = Number(r.p90) / 1000;
      v.sla_attainment = Number(r.attained) / n;
    }
  }
  for (const r of staffing) {
    get(r.queue, r.team).staffed_agents = Number(r.agents);
    get(r.queue, '').staffed_agents += Number(r.agents);
  }
  return assembleSnapshot(config, nowMs, (queue) => {
    const teams = new Map<string, MetricValues>();
    for (const [key, v] of values) {
      const [q, team] = key.split('|');
      if (q === queue && team !== '') teams.set(team, v);
    }
    return { all: values.get(`${queue}|`) ?? emptyValues(), teams };
  });
}

type MinuteRow = { minute: number; a: number; c: number; l: number };
type WaitMinuteRow = { minute: number; cnt: number; attained: number; waits: number[] };

/** Per-minute series of one queue, of a set of queues combined, or of all queues combined (SPEC section 4). */
export async function readHistory(
  connection: ClickHouseConnection,
  database: string,
  config: OpsConfig,
  queue: string | readonly string[] | undefined,
  minutes: number,
  nowMs: number,
): Promise<MetricsHistory> {
  const db = ident(database);
  const queues = queue === undefined ? config.queues.map((q) => q.id) : typeof queue === 'string' ? [queue] : [...queue];
  if (queues.length === 0 || !queues.every((q) => config.queueIndex.has(q))) throw new RangeError('unknown queue, or no queue');
  const last = Math.floor(nowMs / MINUTE_MS);
  const first = last - minutes + 1;
  const [counts, backlogRows, waits] = await Promise.all([
    rows<MinuteRow>(connection, sql`
      SELECT minute, sum(arrivals) AS a, sum(completions) AS c, sum(leaves) AS l FROM ${db}.minute_counts
      WHERE queue IN ${inList(queues)} AND minute >= ${first} GROUP BY minute`),
    rows<{ b: number }>(connection, sql`SELECT sum(n) AS b FROM ${db}.open_counts WHERE queue IN ${inList(queues)} AND team = ''`),
    // The waits of each minute come back whole (sorted, each repeated by its count): history
    // points are few, and the nearest rank is then taken exactly as the embedded engine takes it.
    rows<WaitMinuteRow>(connection, sql`
      SELECT intDiv(at, ${MINUTE_MS}) AS minute, count() AS cnt,
        countIf(wait_ms <= ${perQueue(config, (t) => t * 1000)}) AS attained,
        arraySort(groupArray(wait_ms)) AS waits
      FROM (
        SELECT queue, at, wait_ms, sum(n) AS c FROM ${db}.window_facts
        WHERE queue IN ${inList(queues)} AND team = '' AND fact = ${FACT.start} AND at >= ${first * MINUTE_MS} AND at < ${(last + 1) * MINUTE_MS}
        GROUP BY queue, at, wait_ms HAVING c > 0
      ) ARRAY JOIN arrayResize([0], toUInt64(c)) AS copy
      GROUP BY minute`),
  ]);
  const byMinute = new Map(counts.map((r) => [Number(r.minute), r]));
  const waitsByMinute = new Map(waits.map((r) => [Number(r.minute), r]));
  let backlog = Number(backlogRows[0]?.b ?? 0);
  for (const [minute, r] of byMinute) if (minute > last) backlog -= Number(r.a) - Number(r.l);
  const raw: RawMinute[] = new Array(minutes);
  for (let i = minutes - 1; i >= 0; i--) {
    const minute = first + i;
    const r = byMinute.get(minute);
    const w = waitsByMinute.get(minute);
    raw[i] = {
      minute,
      arrivals: Number(r?.a ?? 0),
      completions: Number(r?.c ?? 0),
      backlog,
      waits: w ? w.waits.map(Number) : [],
      attained: Number(w?.attained ?? 0),
    };
    if (r) backlog -= Number(r.a) - Number(r.l);
  }
  return { generated_at: new Date(nowMs).toISOString(), queue: queue === undefined ? '*' : typeof queue === 'string' ? queue : queue.join(','), minutes, points: toHistoryPoints(raw) };
}
