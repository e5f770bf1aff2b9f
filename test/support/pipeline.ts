/**
 * Helpers for tests of the whole pipeline on real engines: a producer that remembers which
 * event sits at which offset, deterministic event sets from the simulator's model, and waits
 * on committed positions.
 */
import type { OpsConfig } from '../../contracts/config.js';
import type { EventLog } from '../../contracts/event-log.js';
import { eventKey, type OpsEvent } from '../../contracts/events.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import { partitionFor } from '../../streams/partitioner.js';
import { BackOfficeModel } from '../../seed/back-office-model.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` holds; throws naming `what` after the timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The events of the simulator's back office from `startMs` over `hours`, for a fixed seed. */
export function modelEvents(config: OpsConfig, startMs: number, hours: number, seed: number): OpsEvent[] {
  const model = new BackOfficeModel({ config, startMs, seed });
  return model.advanceTo(startMs + hours * 3_600_000);
}

/**
 * Appends events to a fresh topic, one append at a time, and remembers the event id at every
 * offset: in a topic only this producer writes, partition p's i-th message sits at offset i.
 */
export class TrackedProducer {
  readonly idsByPartition: string[][];
  sent = 0;

  constructor(private readonly log: EventLog, private readonly topic: string, private readonly partitions = 6) {
    this.idsByPartition = Array.from({ length: partitions }, () => []);
  }

  async append(events: readonly OpsEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.log.append(this.topic, events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })));
    for (const e of events) this.idsByPartition[partitionFor(eventKey(e), this.partitions)].push(e.event_id);
    this.sent += events.length;
  }

  /** Appends `events` in `chunks` pieces, `everyMs` apart; resolves when all are written. */
  async stream(events: readonly OpsEvent[], chunks: number, everyMs: number): Promise<void> {
    const size = Math.ceil(events.length / chunks);
    for (let i = 0; i < events.length; i += size) {
      await this.append(events.slice(i, i + size));
      await sleep(everyMs);
    }
  }

  /** What a group has passed when it is done with everything appended: per partition, its count. */
  get ends(): Map<number, number> {
    return new Map(this.idsByPartition.map((ids, p) => [p, ids.length]));
  }
}

/** Waits until a group's committed positions reach `ends` on every partition. */
export async function waitForCaughtUp(log: EventLog, topic: string, group: string, ends: Map<number, number>, timeoutMs: number): Promise<void> {
  let positions = new Map<number, number>();
  await waitFor(
    `group ${group} to commit ${JSON.stringify([...ends])}`,
    async () => {
      positions = await log.positions(topic, group);
      return [...ends].every(([p, end]) => (positions.get(p) ?? 0) >= end);
    },
    timeoutMs,
    200,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last committed ${JSON.stringify([...positions].sort((a, b) => a[0] - b[0]))}`);
  });
}

/** Which of the ids the store holds, asked in slices. */
export async function knownIds(store: MetricsStore, ids: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) for (const id of await store.knownEventIds(ids.slice(i, i + 5000))) known.add(id);
  return known;
}

/** A snapshot without its `generated_at`, for comparing two stores at the same instant. */
export function comparable<T extends { generated_at: string }>(snapshot: T): Omit<T, 'generated_at'> {
  const { generated_at: _generatedAt, ...rest } = snapshot;
  return rest;
}
