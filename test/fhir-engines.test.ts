/**
 * FHIR ingest on the scale-out engines: Task versions posted to `/fhir` go into Kafka (a private
 * topic) and a stream worker stores them in ClickHouse. The marked EHR Task leaves its marker in
 * no Kafka message and no ClickHouse table of the test's database; and random work sent this way
 * gives the snapshot the embedded default gives for the same work sent as events.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ident, sql } from '../streams/clickhouse/sql.js';
import { describeWithEngines, requireEngines } from './support/engines.js';
import { fhirConfig, markedNotification, markedVersions, notification, PIECES } from './support/fhir-tasks.js';
import { asEvents, asTaskVersions, workArb } from './support/fhir-work.js';
import { comparable } from './support/pipeline.js';
import { startScaleOutPair, type ScaleOutPair } from './support/scale-out-pair.js';
import { REF_NOW } from './support/random-events.js';

const engines = await requireEngines();
const config = fhirConfig();

const post = async (url: string, body: unknown, type = 'application/fhir+json') => {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
};

describeWithEngines(engines, 'FHIR ingest on Kafka and ClickHouse', () => {
  let pair: ScaleOutPair;
  beforeAll(async () => {
    pair = await startScaleOutPair(engines, { name: 'fhir', config, clock: () => REF_NOW });
  }, 120_000);
  afterAll(() => pair?.close(), 60_000);

  it('stores no marker in Kafka or ClickHouse, and gives the embedded metrics of the same work sent as events', async () => {
    const { url, embeddedUrl, embedded, store, database, produced } = pair;
    // The marked EHR Task, as one Task, a transaction and a notification, on both.
    for (const target of [url, embeddedUrl]) {
      await post(`${target}/fhir/Task`, markedVersions[0]);
      await post(`${target}/fhir`, { resourceType: 'Bundle', type: 'transaction', entry: markedVersions.slice(1).map((resource) => ({ resource, request: { method: 'PUT', url: 'Task/ehr-task-1' } })) });
      await post(`${target}/fhir`, markedNotification(markedVersions));
    }
    // Random work: as Task versions in notifications to Kafka, as events to the embedded product.
    const [work] = fc.sample(fc.array(workArb, { minLength: 60, maxLength: 60 }), { seed: 13, numRuns: 1 });
    const versions = work.flatMap((w, i) => asTaskVersions(`w${i}`, w)).sort((a, b) => Date.parse(a.lastModified!) - Date.parse(b.lastModified!));
    for (let from = 0; from < versions.length; from += 10) await post(`${url}/fhir`, notification(versions.slice(from, from + 10)));
    expect((await post(`${embeddedUrl}/api/events`, work.flatMap((w, i) => asEvents(`w${i}`, w)), 'application/json')).rejected).toEqual([]);

    await pair.caughtUp();
    const expected = comparable(await embedded.store.snapshot(REF_NOW));
    expect(expected.totals.arrivals).toBeGreaterThan(10);
    expect(comparable(await store.snapshot(REF_NOW))).toEqual(expected);

    // Kafka: what the server produced. ClickHouse: every table of the test's database.
    const kafkaBytes = produced.map((m) => `${m.key}\n${m.value}`).join('\n');
    const tables = await store.connection.query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = ${database}`);
    expect(tables.length).toBeGreaterThan(1);
    const rows = await Promise.all(tables.map((t) => store.connection.query<object>(sql`SELECT * FROM ${ident(database)}.${ident(t.name)}`)));
    const clickhouseText = JSON.stringify(rows);
    // Positive controls: the Task's events are there, readable.
    expect(kafkaBytes).toContain('fhir:ehr-task-1:completed');
    expect(clickhouseText).toContain('fhir:ehr-task-1:completed');
    for (const piece of PIECES) {
      expect(kafkaBytes.includes(piece), `Kafka holds "${piece}"`).toBe(false);
      expect(clickhouseText.includes(piece), `ClickHouse holds "${piece}"`).toBe(false);
    }
  }, 120_000);
});
