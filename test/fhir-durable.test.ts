/**
 * The FHIR ingest answers only once stored, as `POST /api/events` does: a notification taken
 * before survives a restart on the same data directory, one the disk refuses is a 503
 * OperationOutcome that stored nothing, and sent again after the restart it adds what it implies.
 */
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { createProduct, type Product } from '../server/product.js';
import { fhirConfig, lifecycle, notification } from './support/fhir-tasks.js';
import { tempDataDir } from './support/process.js';
import { REF_NOW } from './support/random-events.js';

const config = fhirConfig();
const products: Product[] = [];
afterAll(async () => {
  for (const p of products) await p.stop().catch(() => undefined);
});

const post = async (url: string, body: unknown) => {
  const res = await fetch(`${url}/fhir`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const insurance = async (url: string) => (await (await fetch(`${url}/api/metrics?queues=insurance`)).json()).queues[0];

it('answers 503 when the data directory refuses the write, and keeps what was taken before', async () => {
  const dataDir = tempDataDir();
  const open = async () => {
    const product = await createProduct({ config, logger: pino({ level: 'silent' }), clock: () => REF_NOW, engines: { dataDir } });
    products.push(product);
    return { product, url: await product.listen(0, '127.0.0.1') };
  };
  const [requested, inProgress] = lifecycle('dur-1');
  const first = await open();
  expect((await post(first.url, notification([requested]))).status).toBe(200);

  first.product.durable!.dataDir.close();
  const refused = await post(first.url, notification([inProgress]));
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: expect.stringMatching(/nothing of this request was stored, send it again/) }] });
  expect(JSON.stringify(refused.body)).not.toMatch(/database|sqlite/i);

  const second = await open();
  expect(await insurance(second.url)).toMatchObject({ arrivals: 1, started: 0, backlog: 1 });
  const again = await post(second.url, notification([requested, inProgress]));
  expect(again.body.entry.slice(1).map((e: { response: { outcome: { issue: { diagnostics: string }[] } } }) => e.response.outcome.issue[0].diagnostics)).toEqual([
    'Task "dur-1": 0 new events, 1 already stored',
    'Task "dur-1": 1 new event (started), 1 already stored',
  ]);
  expect(await insurance(second.url)).toMatchObject({ arrivals: 1, started: 1, in_progress: 1 });
});
