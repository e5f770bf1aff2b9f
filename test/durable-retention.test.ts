/**
 * Retention on the durable default: what is older than RETENTION_DAYS leaves the data directory
 * (events of every topic, capacity requests, alerts), the audit trail stays, and a restart after
 * the cut rebuilds the numbers from what is left.
 */
import pino from 'pino';
import { expect, it } from 'vitest';
import { manualClock } from '../contracts/clock.js';
import { EVENTS_TOPIC } from '../contracts/topics.js';
import { openDurableEmbedded, trimBefore } from '../server/durable-engines.js';
import { tempDataDir } from './support/process.js';
import { refConfig } from './support/random-events.js';

const DAY = 24 * 3600_000;
const T0 = Date.parse('2026-11-01T12:00:00.000Z');
const quiet = pino({ level: 'silent' });
const created = (id: string, ms: number, queue = refConfig.queues[0].id) => ({ key: id, value: JSON.stringify({ event_id: id, type: 'task.created', occurred_at: new Date(ms).toISOString(), queue, task_id: id }) });

it('trims what is past retention, carries open tasks and staffing over, keeps the audit trail, restarts from what is left', async () => {
  const dir = tempDataDir();
  const clock = manualClock(T0);
  const team = refConfig.teams[0];
  const queue = team.queues[0];
  const first = await openDurableEmbedded({ dir, retentionDays: 3, config: refConfig, clock, logger: quiet });
  const old = T0 - DAY;
  const completed = { key: 'done-1', value: JSON.stringify({ event_id: 'done-1-d', type: 'task.completed', occurred_at: new Date(old + 60_000).toISOString(), queue, task_id: 'done-1' }) };
  const staffing = { key: 'staff', value: JSON.stringify({ event_id: 'staff-1', type: 'staffing.updated', occurred_at: new Date(old).toISOString(), queue, team: team.id, agents: 4 }) };
  await first.log.append(EVENTS_TOPIC, [created('done-1', old, queue), completed, created('open-1', old, queue), staffing]);
  clock.set(T0 + 2 * DAY);
  await first.log.append(EVENTS_TOPIC, [created('new-1', T0 + 2 * DAY)]);
  await first.log.append('ops.task-events.dlq', [{ key: 'x', value: 'not json', headers: { reason: 'test' } }]);
  await first.auditLog.append([{ id: 'audit-1', at: new Date(old).toISOString(), actor: 'system', role: 'system', action: 'server.started', target: 'server', details: { config_sha256: 'ab'.repeat(32), engines: { log: 'embedded', store: 'embedded' }, version: '0.1.0' } }]);
  await first.log.close();
  first.close();

  // Four days on: the first append (newest record T0 - 1 day + 1 min) is past the 3-day retention.
  clock.set(T0 + 3 * DAY);
  const second = await openDurableEmbedded({ dir, retentionDays: 3, config: refConfig, clock, logger: quiet });
  expect(second.replayed).toBe(5); // everything stored is replayed, then trimmed
  await second.log.close();
  second.close();

  // Restarted after the trim: the closed task is gone, the open one and the staffing were carried over.
  const third = await openDurableEmbedded({ dir, retentionDays: 3, config: refConfig, clock, logger: quiet });
  expect(third.replayed).toBe(3); // new-1, and open-1's creation and the staffing, carried
  expect(await third.store.knownEventIds(['done-1', 'done-1-d', 'open-1', 'staff-1', 'new-1'])).toEqual(new Set(['open-1', 'staff-1', 'new-1']));
  const row = (await third.store.snapshot(T0 + 3 * DAY)).queues.find((q) => q.queue === queue)!;
  expect(row).toMatchObject({ backlog: queue === refConfig.queues[0].id ? 2 : 1, staffed_agents: 4 });
  expect((await third.auditLog.query({ limit: 10 })).map((r) => r.id)).toEqual(['audit-1']);
  // Offsets go on after the trim: nothing is ever written twice at one offset (6 appended, 2 carried).
  const ends = await third.log.endOffsets(EVENTS_TOPIC);
  expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(7);
  // new-1 and the DLQ record (stored at T0 + 2 days) go once their day has passed retention; the carried batch stays.
  expect(trimBefore(third.dataDir, T0 + 3 * DAY)).toMatchObject({ appends: 2 });
  await third.log.close();
  third.close();
});
