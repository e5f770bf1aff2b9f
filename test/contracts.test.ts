/**
 * The contracts' schemas describe what the product really sends: snapshots and history from the
 * embedded product (random events, the API as a screen reads it) pass the schemas the client
 * validates pushed frames with, and a frame that breaks the shape does not.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { metricsHistorySchema, metricsSnapshotSchema } from '../contracts/metrics-snapshot.js';
import { startHarness, type Harness } from './support/harness.js';
import { BackOfficeModel } from '../seed/back-office-model.js';

const NOW = Date.parse('2026-11-25T14:00:00.000Z');
const config = loadConfig(DEFAULT_CONFIG_PATH);

describe('the metrics snapshot schema', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(config, () => NOW);
    // Two simulated hours of the default hospital network, up to NOW.
    const model = new BackOfficeModel({ config, startMs: NOW - 2 * 3600_000, seed: 7 });
    await h.store.apply(model.advanceTo(NOW));
  });
  afterAll(() => h.close());

  it('accepts what GET /api/metrics and /api/metrics/history answer', async () => {
    const snapshot = (await request(h.url).get('/api/metrics')).body;
    expect(snapshot.queues.length).toBe(config.queues.length);
    expect(snapshot.totals.backlog).toBeGreaterThan(0);
    const parsed = metricsSnapshotSchema.safeParse(snapshot);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const history = (await request(h.url).get('/api/metrics/history?minutes=120')).body;
    expect(history.points.length).toBeGreaterThan(0);
    expect(metricsHistorySchema.safeParse(history).success).toBe(true);
  });

  it('refuses a frame that breaks the shape', async () => {
    const snapshot = (await request(h.url).get('/api/metrics')).body;
    expect(metricsSnapshotSchema.safeParse({ ...snapshot, totals: null }).success).toBe(false);
    expect(metricsSnapshotSchema.safeParse({ ...snapshot, generated_at: 'yesterday' }).success).toBe(false);
    const badQueue = { ...snapshot.queues[0], backlog: -1 };
    expect(metricsSnapshotSchema.safeParse({ ...snapshot, queues: [badQueue] }).success).toBe(false);
  });
});
