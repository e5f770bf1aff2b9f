/**
 * The durable embedded default's SQLite adapters against their in-memory twins: the audit log and
 * the capacity store answer the same queries the same way, and what they hold is there again when
 * the data directory is opened anew (a restart).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../contracts/audit.js';
import type { CapacityChange } from '../contracts/alerts.js';
import type { AuditQuery } from '../server/audit/audit-log.js';
import { EmbeddedAuditLog } from '../server/audit/embedded-audit-log.js';
import { SqliteAuditLog } from '../server/audit/sqlite-audit-log.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { SqliteCapacityStore } from '../server/capacity/sqlite-capacity-store.js';
import { openDataDir, type DataDir } from '../streams/durable/data-dir.js';
import { SqliteLogJournal } from '../streams/durable/sqlite-log-journal.js';
import { tempDataDir } from './support/process.js';
import { auditSamples, MIN, T0 } from './support/audit-samples.js';
import { firingAlert } from './support/insurance-peak.js';

describe('the SQLite audit log', () => {
  const dir = tempDataDir('occ-audit-');
  let data: DataDir;
  let sqlite: SqliteAuditLog;
  const memory = new EmbeddedAuditLog();
  beforeAll(async () => {
    data = openDataDir(dir);
    sqlite = new SqliteAuditLog(data);
    const all = auditSamples();
    for (const batch of [all.slice(0, 5), all.slice(4)]) {
      await sqlite.append(batch);
      await memory.append(batch);
    }
  });
  afterAll(() => data.close());

  it('answers any query like the in-memory adapter', async () => {
    expect((await sqlite.query({ limit: 100 })).map((r) => r.id)).toEqual(['a-08', 'a-10', 'a-07', 'a-09', 'a-06', 'a-05', 'a-04', 'a-03', 'a-02', 'a-01']);
    const bound = fc.option(fc.integer({ min: T0 - MIN, max: T0 + 15 * MIN }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(bound, bound, fc.option(fc.constantFrom(...AUDIT_ACTIONS), { nil: undefined }), fc.integer({ min: 1, max: 12 }), async (from, to, action, limit) => {
        const q: AuditQuery = { from, to, action, limit };
        expect(await sqlite.query(q)).toEqual(await memory.query(q));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the records across a reopening of the data directory, and refuses a bad batch whole', async () => {
    const before = await sqlite.query({ limit: 100 });
    data.close();
    data = openDataDir(dir);
    sqlite = new SqliteAuditLog(data);
    expect(await sqlite.query({ limit: 100 })).toEqual(before);
    const good = { ...auditSamples()[0], id: 'z-good' };
    const bad = { ...good, id: 'z-bad', details: { config_sha256: 'not hex' } } as never;
    await expect(sqlite.append([good, bad])).rejects.toThrow(/^not an audit record/);
    expect((await sqlite.query({ limit: 100 })).some((r) => r.id === 'z-good')).toBe(false);
  });
});

describe('the SQLite capacity store', () => {
  it('answers like the in-memory store, and again after a reopening', async () => {
    const dir = tempDataDir('occ-capacity-');
    let data = openDataDir(dir);
    const sqlite = new SqliteCapacityStore(data);
    const memory = new EmbeddedCapacityStore();
    const alert = firingAlert(6, T0);
    // Three requests, two created at the same instant; each goes through a few states.
    const changes: CapacityChange[] = [];
    const request = (id: string, createdMs: number) => ({
      request_id: id, queue: 'insurance', partner: 'north', agents_requested: 6,
      window_start: new Date(createdMs).toISOString(), window_end: new Date(createdMs + 120 * MIN).toISOString(),
      respond_by: new Date(createdMs + 15 * MIN).toISOString(),
      reason: { kind: 'demand-peak' as const, alert_id: alert.id, agents_needed: 34, staffed_agents: 28, forecast_next_60m: 300, projected_sla: 0.4, sla_goal: 0.9, time_to_breach_minutes: 35, committed_elsewhere: 0 },
      alert_id: alert.id, partner_name: 'North', state: 'delivering' as const, agents_committed: null, attempts: 0, last_error: null,
      created_at: new Date(createdMs).toISOString(), updated_at: new Date(createdMs).toISOString(), answered_at: null, escalated_from: null, escalated_to: null,
    });
    for (const [id, at] of [['r1', T0], ['r2', T0 + MIN], ['r3', T0 + MIN]] as const) {
      const r = request(id, at);
      changes.push({ change: 'created', seq: 1, at: r.created_at, request: r });
      changes.push({ change: 'delivered', seq: 2, at: new Date(at + 1000).toISOString(), request: { ...r, state: 'awaiting_response', attempts: 1 } });
    }
    changes.push({ change: 'accepted', seq: 3, at: new Date(T0 + 2 * MIN).toISOString(), request: { ...request('r1', T0), state: 'accepted', agents_committed: 6, attempts: 1 } });
    for (const c of changes) {
      await sqlite.record(c);
      await memory.record(c);
    }
    for (const since of [0, T0, T0 + 1, T0 + MIN, T0 + 2 * MIN]) expect(await sqlite.latest(since), `since ${since}`).toEqual(await memory.latest(since));
    expect((await sqlite.latest(0)).map((r) => [r.request_id, r.state])).toEqual([['r3', 'awaiting_response'], ['r2', 'awaiting_response'], ['r1', 'accepted']]);
    expect(await sqlite.changes('r1')).toEqual(await memory.changes('r1'));
    data.close();
    data = openDataDir(dir);
    const reopened = new SqliteCapacityStore(data);
    expect(await reopened.latest(0)).toEqual(await memory.latest(0));
    expect(await reopened.changes('r2')).toEqual(await memory.changes('r2'));
    data.close();
  });
});

describe('the SQLite log journal', () => {
  it('gives back every stored value as written, newlines and all, next to its key and headers', () => {
    const data = openDataDir(tempDataDir('occ-journal-'));
    const journal = new SqliteLogJournal(data, (_topic, _record, now) => now, () => T0);
    const plain = [0, 1].map((offset) => ({ topic: 't', partition: 0, offset, key: `k${offset}`, value: `{"n":${offset}}` }));
    const odd = [
      { topic: 't', partition: 1, offset: 0, key: 'line\nbreak', value: 'first line\nsecond line', headers: { reason: 'not JSON' } },
      { topic: 't', partition: 1, offset: 1, key: 'k', value: '' },
    ];
    journal.write('t', [...plain, ...odd]);
    expect([...journal.read('t')].flat()).toEqual([...plain, ...odd]);
    expect(journal.ends('t')).toEqual(new Map([[0, 2], [1, 2]]));
    data.close();
  });
});
