/**
 * A write the data directory does not take answers 503, never 202, and changes nothing: here the
 * database is closed under the running product (as a failing disk would leave it), the ingest is
 * refused with 503, nothing of it is counted, and what was accepted before is still there when
 * the product is opened again on the same directory.
 */
import pino from 'pino';
import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { createProduct, type Product } from '../server/product.js';
import { tempDataDir } from './support/process.js';
import { refConfig } from './support/random-events.js';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const created = (id: string) => ({ event_id: id, type: 'task.created', occurred_at: new Date(NOW - 60_000).toISOString(), queue: refConfig.queues[0].id, task_id: id });
const products: Product[] = [];
afterAll(async () => {
  for (const p of products) await p.stop().catch(() => undefined);
});

it('answers 503 when the data directory refuses a write, and keeps what was accepted', async () => {
  const dataDir = tempDataDir();
  const open = async () => {
    const product = await createProduct({ config: refConfig, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { dataDir } });
    products.push(product);
    return { product, url: await product.listen(0, '127.0.0.1') };
  };
  const first = await open();
  expect((await request(first.url).post('/api/events').send([created('kept-1'), created('kept-2')])).body).toMatchObject({ accepted: 2 });
  const backlog = (await request(first.url).get('/api/metrics')).body.totals.backlog;
  expect(backlog).toBe(2);

  first.product.durable!.dataDir.close();
  const refused = await request(first.url).post('/api/events').send([created('lost-1')]);
  expect(refused.status).toBe(503);
  expect(refused.body.error).toMatch(/could not write to disk; nothing of this request was stored, send it again/);
  expect(JSON.stringify(refused.body)).not.toMatch(/database|sqlite/i);
  expect((await request(first.url).get('/api/metrics')).body.totals.backlog).toBe(2);

  const second = await open();
  expect((await request(second.url).get('/api/metrics')).body.totals.backlog).toBe(2);
  // The refused event was never stored: sent again, it is new.
  expect((await request(second.url).post('/api/events').send([created('kept-1'), created('lost-1')])).body).toMatchObject({ accepted: 1, duplicates: 1 });
});
