/**
 * `MetricsStore.teamStarts` on the embedded engine: the hour-bucketed index of first starts against
 * a brute-force reading of SPEC section 3 on random event sets and random ranges (edges inside an
 * hour, on an hour, on a start); forgotten with the rest of the engine's history; rebuilt by the
 * durable store's replay after a restart.
 */
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { OpsConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { createProduct } from '../server/product.js';
import { MetricsEngine } from '../streams/embedded/metrics-engine.js';
import type { TeamStarts } from '../streams/metrics-store.js';
import { tempDataDir } from './support/process.js';
import { dedupedEvents, referenceTasks } from './support/reference-metrics.js';
import { eventSetArb, REF_NOW, refConfig } from './support/random-events.js';
import { NOW, SCORE_EVENTS, SCORE_TOKENS, scoreConfig } from './support/scorecard-fixture.js';

const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Plain values, for toEqual. */
const plain = (rows: readonly TeamStarts[]) => rows.map((r) => ({ ...r, waitsMs: [...r.waitsMs] }));

/** teamStarts read from the raw events, with no incremental state. */
function referenceTeamStarts(events: readonly OpsEvent[], config: OpsConfig, fromMs: number, toMs: number) {
  const groups = new Map<string, number[]>();
  for (const t of referenceTasks(dedupedEvents(events))) {
    if (t.startAt === undefined || !(t.startAt > fromMs && t.startAt <= toMs)) continue;
    const key = `${t.queue}|${t.startTeam}`;
    groups.set(key, [...(groups.get(key) ?? []), t.startAt - t.createdAt]);
  }
  return [...groups]
    .map(([key, waits]) => {
      const [queue, team] = key.split('|');
      const target = config.queueIndex.get(queue)!.sla.target_seconds * 1000;
      const waitsMs = waits.sort((a, b) => a - b);
      return { queue, team, starts: waits.length, attained: waits.filter((w) => w <= target).length, waitsMs };
    })
    .sort((a, b) => (a.queue + '|' + a.team < b.queue + '|' + b.team ? -1 : 1));
}

/** A range edge: on the hour, on a minute, any millisecond, around the random events' span. */
const edge = fc.oneof(
  fc.integer({ min: -4, max: 1 }).map((h) => REF_NOW + h * H),
  fc.integer({ min: -200, max: 5 }).map((m) => REF_NOW + m * 60_000),
  fc.integer({ min: -4 * H, max: 5 * 60_000 }).map((ms) => REF_NOW + ms),
);

describe('teamStarts on the embedded engine', () => {
  it('equals the brute-force reading on random event sets and ranges', () => {
    fc.assert(
      fc.property(eventSetArb, fc.array(fc.tuple(edge, edge), { minLength: 1, maxLength: 4 }), (events, ranges) => {
        const engine = new MetricsEngine(refConfig);
        for (const e of events) engine.apply(e);
        // Also a range whose edge is exactly a start: that start is in at `to` and out at `from`.
        const starts = events.filter((e) => e.type === 'task.started').map((e) => Date.parse(e.occurred_at));
        const all = [...ranges.map(([a, b]) => [Math.min(a, b), Math.max(a, b)]), ...starts.slice(0, 2).flatMap((s) => [[s, s + H], [s - H, s]])];
        for (const [from, to] of all) expect(plain(engine.teamStarts(from, to))).toEqual(referenceTeamStarts(events, refConfig, from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('moves a start when an earlier one arrives late, and forgets hours past its keep time', () => {
    const engine = new MetricsEngine(refConfig, 2 * 24 * H);
    const ev = (id: string, type: 'task.created' | 'task.started', at: number, team?: string) =>
      ({ event_id: id, type, occurred_at: iso(at), queue: 'insurance', task_id: id.slice(0, 2), ...(team && { team }) }) as OpsEvent;
    engine.advance(REF_NOW - 3 * 24 * H);
    for (const e of [ev('o1c', 'task.created', REF_NOW - 3 * 24 * H), ev('o1s', 'task.started', REF_NOW - 3 * 24 * H + 60_000, 'partner-x')]) engine.apply(e);
    for (const e of [ev('n1c', 'task.created', REF_NOW - 2 * H), ev('n1s', 'task.started', REF_NOW - H, 'inhouse-a'), ev('n1e', 'task.started', REF_NOW - 90 * 60_000, 'partner-x')]) engine.apply(e);
    const range = (): [number, number] => [REF_NOW - 4 * 24 * H, REF_NOW];
    expect(plain(engine.teamStarts(...range()))).toEqual([
      { queue: 'insurance', team: 'partner-x', starts: 2, attained: 2, waitsMs: [60_000, 30 * 60_000] },
    ]);
    engine.advance(REF_NOW);
    // Three days on, with two days kept: the old start's hour is forgotten, the new one stays.
    expect(plain(engine.teamStarts(...range()))).toEqual([{ queue: 'insurance', team: 'partner-x', starts: 1, attained: 1, waitsMs: [30 * 60_000] }]);
  });

  it("is rebuilt by the durable store's replay after a restart", async () => {
    const dataDir = tempDataDir();
    const open = () => createProduct({ config: scoreConfig, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { dataDir } });
    const first = await open();
    const url = await first.listen(0, '127.0.0.1');
    const res = await fetch(`${url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${SCORE_TOKENS.ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(SCORE_EVENTS) });
    expect(res.status).toBe(202);
    const before = plain(await first.store.teamStarts(NOW - 30 * 24 * H, NOW));
    await first.stop();
    const second = await open();
    try {
      expect(before.map((r) => `${r.queue}|${r.team}`)).toEqual(['insurance|inhouse-a', 'insurance|partner-x', 'insurance|partner-y', 'registration|inhouse-a', 'registration|partner-x', 'registration|partner-y']);
      expect(plain(await second.store.teamStarts(NOW - 30 * 24 * H, NOW))).toEqual(before);
    } finally {
      await second.stop();
    }
  });
});
