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
const created = (id: string, ms: number) => ({ key: id, value: JSON.stringify({ event_id: id, type: 'task.created', occurred_at: new Date(ms).toISOString(), queue: refConfig.queues[0].id, task_id: id }) });

it('trims what is past retention, keeps the audit trail, and restarts from what is left', async () => {
  const dir = tempDataDir();
  const clock = manualClock(T0);
  const first = await openDurableEmbedded({ dir, retentionDays: 3, config: refConfig, clock, logger: quiet });
  await first.log.append(EVENTS_TOPIC, [created('old-1', T0 - DAY), created('old-2', T0 - DAY)]);
  clock.set(T0 + 2 * DAY);
  await first.log.append(EVENTS_TOPIC, [created('new-1', T0 + 2 * DAY)]);
  await first.log.append('ops.task-events.dlq', [{ key: 'x', value: 'not json', headers: { reason: 'test' } }]);
  await first.auditLog.append([{ id: 'audit-1', at: new Date(T0 - DAY).toISOString(), actor: 'system', role: 'system', action: 'server.started', target: 'server', details: { config_sha256: 'ab'.repeat(32), engines: { log: 'embedded', store: 'embedded' }, version: '0.1.0' } }]);
  await first.log.close();
  first.close();

  // Four days on: the first append (newest record T0 - 1 day) is past the 3-day retention.
  clock.set(T0 + 3 * DAY);
  const second = await openDurableEmbedded({ dir, retentionDays: 3, config: refConfig, clock, logger: quiet });
  expect(second.replayed).toBe(1);
  expect(await second.store.knownEventIds(['old-1', 'new-1'])).toEqual(new Set(['new-1']));
  expect((await second.auditLog.query({ limit: 10 })).map((r) => r.id)).toEqual(['audit-1']);
  // Offsets go on after the trim: nothing is ever written twice at one offset.
  const ends = await second.log.endOffsets(EVENTS_TOPIC);
  expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(3);
  // The DLQ record (stored at T0 + 2 days) goes once its day has passed retention too.
  expect(trimBefore(second.dataDir, T0 + 3 * DAY)).toMatchObject({ appends: 2 });
  await second.log.close();
  second.close();
});
