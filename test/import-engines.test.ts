/**
 * History import on the scale-out engines: the same export, imported through `POST /api/import`
 * into Kafka (a private topic) and stored by a stream worker in ClickHouse, gives the very
 * snapshot and history the embedded default gives; importing it again adds nothing there either,
 * and the import's audit record lands in ClickHouse.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import type { ImportSummary } from '../contracts/import.js';
import { ClickHouseAuditLog } from '../server/audit/clickhouse-audit-log.js';
import { describeWithEngines, requireEngines } from './support/engines.js';
import { EXPORT_QUERY, exportCsv, exportTasks } from './support/export-fixture.js';
import { comparable } from './support/pipeline.js';
import { startScaleOutPair, type ScaleOutPair } from './support/scale-out-pair.js';

const engines = await requireEngines();
const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-25T14:00:00.000Z');

async function postImport(url: string, body: string): Promise<ImportSummary> {
  const res = await fetch(`${url}/api/import?${new URLSearchParams(EXPORT_QUERY)}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  expect(res.status).toBe(200);
  return (await res.json()) as ImportSummary;
}

describeWithEngines(engines, 'history import on Kafka and ClickHouse', () => {
  let pair: ScaleOutPair;
  beforeAll(async () => {
    let n = 0;
    pair = await startScaleOutPair(engines, {
      name: 'import',
      config,
      clock: () => NOW,
      app: (store) => ({ ids: () => `import-${++n}`, audit: new ClickHouseAuditLog(store.connection, store.database) }),
    });
  }, 120_000);
  afterAll(() => pair?.close(), 60_000);

  it('gives the metrics the embedded default gives, and a re-import adds nothing', async () => {
    const { url, embeddedUrl, embedded, store } = pair;
    const csv = exportCsv(exportTasks(config, NOW, 600, 21));
    const onKafka = await postImport(url, csv);
    const onEmbedded = await postImport(embeddedUrl, csv);
    expect(onKafka).toEqual(onEmbedded);
    expect(onKafka).toMatchObject({ rejected_count: 0, duplicates: 0 });
    expect(onKafka.accepted).toBe(onKafka.events);

    await pair.caughtUp();
    const minutes = 3 * 24 * 60;
    const expected = { snapshot: comparable(await embedded.store.snapshot(NOW)), history: await embedded.store.history(undefined, minutes, NOW) };
    expect(expected.snapshot.totals.arrivals + expected.snapshot.totals.backlog).toBeGreaterThan(0);
    expect(comparable(await store.snapshot(NOW))).toEqual(expected.snapshot);
    expect(await store.history(undefined, minutes, NOW)).toEqual(expected.history);

    const again = await postImport(url, csv);
    expect(again).toMatchObject({ accepted: 0, duplicates: onKafka.events, rejected_count: 0 });
    await pair.caughtUp();
    expect(comparable(await store.snapshot(NOW))).toEqual(expected.snapshot);

    const audit = new ClickHouseAuditLog(store.connection, store.database);
    const records = await audit.query({ action: 'history.imported', limit: 10 });
    expect(records.map((r) => r.details)).toEqual([
      expect.objectContaining({ format: 'csv', accepted: 0, duplicates: onKafka.events, complete: true }),
      expect.objectContaining({ format: 'csv', accepted: onKafka.events, duplicates: 0, complete: true }),
    ]);
  }, 120_000);
});
