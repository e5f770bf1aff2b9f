/**
 * 202 means stored (the embedded default on disk): a server process takes continuous ingest, is
 * killed with SIGKILL mid-stream and started again on the same data directory. Every event that
 * got 202 counts exactly once: the metrics equal the brute-force reference on what was sent (the
 * batches in flight at the kill are sent again, as any sender would on a broken connection), and
 * posting everything again is all duplicates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { OpsEvent } from '../contracts/events.js';
import type { MetricsSnapshot } from '../contracts/metrics-snapshot.js';
import { modelEvents } from './support/pipeline.js';
import { startServerProcess, tempDataDir, type ServerProcess } from './support/process.js';
import { dedupedEvents, referenceTasks, referenceValues } from './support/reference-metrics.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const CLOCK_AT = '2026-11-25T14:00:00.000Z';
const START = Date.parse(CLOCK_AT) - 3 * 3600_000;
const BATCH = 500;

const post = (url: string, events: readonly OpsEvent[]) =>
  fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
const snapshotOf = async (url: string) => (await (await fetch(`${url}/api/metrics`)).json()) as MetricsSnapshot;

function expectReference(snapshot: MetricsSnapshot, sent: readonly OpsEvent[]): void {
  const events = dedupedEvents(sent);
  const tasks = referenceTasks(events);
  const now = Date.parse(snapshot.generated_at);
  for (const q of snapshot.queues) {
    const ref = referenceValues(tasks, events, config, q.queue, now);
    const { waits: _waits, sla_attainment, ...counts } = ref;
    expect({ queue: q.queue, ...Object.fromEntries(Object.keys(counts).map((k) => [k, q[k as keyof typeof q]])) }).toEqual({ queue: q.queue, ...counts });
    expect(q.sla_attainment === null ? null : Math.round(q.sla_attainment * 1e9)).toBe(sla_attainment === null ? null : Math.round(sla_attainment * 1e9));
  }
}

describe('the durable embedded default across kill -9', () => {
  const dataDir = tempDataDir();
  const env = { SIMULATOR: 'off', DATA_DIR: dataDir, CLOCK_AT };
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('keeps every event that got 202, exactly once', async () => {
    const events = modelEvents(config, START, 3, 11);
    expect(events.length).toBeGreaterThan(5_000);
    const batches: OpsEvent[][] = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));

    const first = await startServerProcess(env);
    servers.push(first);
    const acknowledged: number[] = [];
    const unanswered: number[] = [];
    // Four senders in parallel; the server is killed once a third of the batches are in.
    let next = 0;
    const killAt = Math.floor(batches.length / 3);
    const sender = async () => {
      while (next < batches.length) {
        const i = next++;
        if (i === killAt) first.child.kill('SIGKILL');
        // Only a broken connection counts as unanswered; any answer must be a 202.
        const res = await post(first.url, batches[i]).catch(() => undefined);
        if (!res) {
          unanswered.push(i);
          continue;
        }
        expect(res.status).toBe(202);
        acknowledged.push(i);
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAt - 4);
    expect(unanswered.length).toBeGreaterThan(0);

    const second = await startServerProcess(env);
    servers.push(second);
    expect(second.output()).toMatch(/metrics rebuilt from the stored events/);
    // What got 202 is there: sending it again changes nothing.
    const ackedEvents = acknowledged.flatMap((i) => batches[i]);
    for (let i = 0; i < ackedEvents.length; i += 5_000) {
      const res = await post(second.url, ackedEvents.slice(i, i + 5_000));
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: 0, rejected: [] });
    }
    // The sender retries what was never answered; then the numbers are those of everything sent.
    for (const i of unanswered) expect((await post(second.url, batches[i])).status).toBe(202);
    expectReference(await snapshotOf(second.url), events);

    // And once more after an orderly restart: the same numbers, everything a duplicate.
    expect(await second.stop()).toBe(0);
    const third = await startServerProcess(env);
    servers.push(third);
    expectReference(await snapshotOf(third.url), events);
    const again = await (await post(third.url, events.slice(0, 10_000))).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: Math.min(10_000, events.length) });
  });
});
