/**
 * A burst of failed authentication is one audit record (SPEC section 10), not one per attempt:
 * the product wires the limiter's hook to its audit trail, naming the address, never the tokens.
 */
import request from 'supertest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { configWithAccess, startHarness, type Harness } from './support/harness.js';
import { refConfig } from './support/random-events.js';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness(configWithAccess(refConfig), () => NOW);
});
afterAll(() => h.close());

it('records a burst of wrong tokens once, with the address and the count', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) statuses.push((await request(h.url).get('/api/metrics').set('Authorization', `Bearer wrong-token-${i}`)).status);
  expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
  expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  await vi.waitFor(async () => expect(await h.product.auditLog.query({ action: 'auth.failed_burst', limit: 10 })).toHaveLength(1));
  const [record] = await h.product.auditLog.query({ action: 'auth.failed_burst', limit: 10 });
  expect(record).toMatchObject({ actor: 'system', role: 'system', target: record.details.address });
  expect(record.details).toMatchObject({ failures: 20 });
  expect(JSON.stringify(record)).not.toMatch(/wrong-token/);
});
