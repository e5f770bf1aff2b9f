/**
 * Kafka that does not answer: an ingest answers 503 (send again), never 202 and never a bare 500,
 * and says nothing of the broker's internals. The server runs on the scale-out engines with a
 * broker address where nothing listens, and the real ClickHouse.
 */
import pino from 'pino';
import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { createProduct, type Product } from '../server/product.js';
import { describeWithEngines, dropDatabase, requireEngines, uniqueName } from './support/engines.js';
import { refConfig } from './support/random-events.js';

const engines = await requireEngines();
const NOW = Date.now();

describeWithEngines(engines, 'ingest while Kafka is down', () => {
  const database = uniqueName('ops_test');
  let product: Product | undefined;
  afterAll(async () => {
    await product?.stop();
    await dropDatabase(database);
  });

  it('answers 503 and asks to send again', async () => {
    product = await createProduct({ config: refConfig, logger: pino({ level: 'silent' }), clock: () => NOW, engines: { kafkaBrokers: '127.0.0.1:1', clickhouseUrl: engines.clickhouseUrl, clickhouseDatabase: database } });
    const url = await product.listen(0, '127.0.0.1');
    const event = { event_id: 'k-down-1', type: 'task.created', occurred_at: new Date(NOW - 60_000).toISOString(), queue: refConfig.queues[0].id, task_id: 'k-down-1' };
    const res = await request(url).post('/api/events').send([event]);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'the event log (Kafka) did not take these events; none of them is confirmed, send them again' });
  }, 60_000);
});
