/**
 * Deterministic synthetic task lifecycles for the benchmarks: created, then mostly started by a
 * team of the queue, then mostly completed; times spread over a span ending at `endMs`.
 */
import type { OpsConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';

export function* lifecycleEvents(config: OpsConfig, count: number, endMs: number, spanMs: number, seed = 1, prefix = 'b'): Generator<OpsEvent> {
  const queues = config.queues.map((q) => q.id);
  const teamsOf = new Map(queues.map((q) => [q, config.teams.filter((t) => t.queues.includes(q)).map((t) => t.id)]));
  let x = seed;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const iso = (ms: number) => new Date(Math.min(ms, endMs)).toISOString();
  let produced = 0;
  for (let i = 0; produced < count; i++) {
    const queue = queues[i % queues.length];
    const teams = teamsOf.get(queue)!;
    const task_id = `${prefix}-${i.toString(36)}`;
    const created = endMs - spanMs + Math.floor(rand() * spanMs);
    yield { event_id: `${prefix}c-${i}`, type: 'task.created', occurred_at: iso(created), queue, task_id };
    produced++;
    if (produced < count && rand() < 0.9) {
      const started = created + Math.floor(rand() * 1_800_000);
      yield { event_id: `${prefix}s-${i}`, type: 'task.started', occurred_at: iso(started), queue, task_id, team: teams[i % teams.length] };
      produced++;
      if (produced < count && rand() < 0.9) {
        yield { event_id: `${prefix}d-${i}`, type: 'task.completed', occurred_at: iso(started + Math.floor(rand() * 900_000)), queue, task_id };
        produced++;
      }
    }
  }
}
