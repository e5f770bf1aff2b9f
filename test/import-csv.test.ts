/**
 * History import, the pure parts: the mapping of a CSV export's columns (contracts/import.ts), a
 * row's events (server/import/csv-rows.ts), times in a named zone (import-time.ts) and NDJSON
 * split on arbitrary chunk boundaries (ndjson-lines.ts). Random rows are checked against the event
 * contract itself (checkEvent) and against times the test writes and reads on its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import { DEFAULT_CONFIG_PATH } from '../contracts/env.js';
import { checkEvent } from '../contracts/events.js';
import { csvMappingOf, parsePairs } from '../contracts/import.js';
import { DomainError } from '../contracts/errors.js';
import { importedEventId, planRows, rowEvents } from '../server/import/csv-rows.js';
import { readTime, ZoneReader } from '../server/import/import-time.js';
import { emptySummary, runImport, type ImportItem } from '../server/import/import-stream.js';
import type { BodyItem } from '../server/ingest.js';
import { ndjsonLines, type NdjsonLine } from '../server/import/ndjson-lines.js';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const DAY = 24 * 3600_000;
const HEADER = ['Case ID', 'Work Queue', 'Owner', 'Priority', 'Opened', 'Started', 'Closed', 'Cancelled'];
const MAP = 'task_id=Case ID,queue=Work Queue,team=Owner,priority=Priority,created_at=Opened,started_at=Started,completed_at=Closed,cancelled_at=Cancelled';
const mapping = () => csvMappingOf({ map: MAP, queues: 'Prior Auth=insurance,Billing Follow-up=billing', teams: 'RCM=inhouse-rcm,Northwind=partner-northwind' });
const plan = () => planRows(HEADER, mapping(), config, NOW, 35);

describe('the CSV mapping', () => {
  it('reads name=value pairs and refuses malformed ones, naming the parameter', () => {
    expect(parsePairs(' a = b ,c=d e,', 'map')).toEqual([['a', 'b'], ['c', 'd e']]);
    expect(() => parsePairs('a=b,c', 'queues')).toThrow(/^queues: each entry is name=value/);
    expect(() => parsePairs('=x', 'map')).toThrow(/^map: /);
  });

  it('needs task_id, queue and created_at, knows only its fields, and takes a default queue instead of a column', () => {
    expect(() => csvMappingOf({ map: 'task_id=id,created_at=opened' })).toThrow('map: queue must be mapped to a column');
    expect(() => csvMappingOf({ map: 'task_id=id,queue=q,created_at=o,patient_name=Name' })).toThrow(/^map: "patient_name" is not a field an export can fill/);
    expect(() => csvMappingOf({ map: 'task_id=id,queue=q,created_at=o,queue=x' })).toThrow('map: queue is mapped twice');
    expect(csvMappingOf({ map: 'task_id=id,created_at=opened', defaults: 'queue=billing' }).defaults).toEqual({ queue: 'billing' });
    expect(() => csvMappingOf({ map: 'task_id=id,created_at=opened', defaults: 'queue=billing,agents=3' })).toThrow(/^defaults: only queue, team, priority/);
  });

  it('names every mapped column the header lacks, before any row', () => {
    const err = (() => {
      try {
        planRows(['Case ID', 'Work Queue', 'Owner'], mapping(), config, NOW);
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect(err!.kind).toBe('invalid');
    expect(err!.message).toContain('the CSV header has no column "Priority" (mapped to priority), "Opened" (mapped to created_at)');
  });

  it('refuses value maps and defaults that name what the configuration lacks, and an unknown time zone', () => {
    expect(() => planRows(HEADER, csvMappingOf({ map: MAP, queues: 'Prior Auth=prior-auth' }), config, NOW)).toThrow('queues: "prior-auth" not in the configuration');
    expect(() => planRows(HEADER, csvMappingOf({ map: MAP, defaults: 'team=nobody' }), config, NOW)).toThrow('defaults: team "nobody" is not a team in the configuration');
    expect(() => planRows(HEADER, csvMappingOf({ map: MAP, time_zone: 'Mars/Olympus' }), config, NOW)).toThrow(/^time_zone: not a time zone name/);
  });
});

describe("a row's events", () => {
  it('gives one event per time, with ids from the task and the kind, the team on each and the priority on the created one', () => {
    const row = ['WQ-1001', 'Prior Auth', 'Northwind', '2', '2026-11-25T08:00:00Z', '2026-11-25 08:30:00+01:00', '2026-11-25T09:00:00.250Z', ''];
    expect(rowEvents(row, plan())).toEqual({
      ok: true,
      events: [
        { event_id: 'import:created:WQ-1001', type: 'task.created', occurred_at: '2026-11-25T08:00:00.000Z', queue: 'insurance', task_id: 'WQ-1001', team: 'partner-northwind', priority: 2 },
        { event_id: 'import:started:WQ-1001', type: 'task.started', occurred_at: '2026-11-25T07:30:00.000Z', queue: 'insurance', task_id: 'WQ-1001', team: 'partner-northwind' },
        { event_id: 'import:completed:WQ-1001', type: 'task.completed', occurred_at: '2026-11-25T09:00:00.250Z', queue: 'insurance', task_id: 'WQ-1001', team: 'partner-northwind' },
      ],
    });
  });

  it('takes a task id that is not an opaque id as a SHA-256 prefix, and keeps long ids within 64 characters', () => {
    const result = rowEvents(['Smith, John 1970-01-01', 'billing', 'RCM', '', '2026-11-25T08:00:00Z', '', '', ''], plan());
    expect(result.ok && result.events[0].task_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(result)).not.toContain('Smith');
    expect(importedEventId('cancelled', 'x'.repeat(64))).toMatch(/^import:cancelled:[0-9a-f]{40}$/);
  });

  it('rejects a row whole, naming the field and its column and never a value that is not an opaque id', () => {
    const base = ['WQ-7', 'billing', 'RCM', '3', '2026-11-25T08:00:00Z', '2026-11-25T08:10:00Z', '', ''];
    const cases: [number, string, RegExp][] = [
      [1, 'Jane Doe queue', /^queue \(column "Work Queue"\): the value is not a queue in the configuration/],
      [2, 'Dr. Who', /^team \(column "Owner"\): the value is not a team/],
      [3, '7', /^priority \(column "Priority"\): must be a whole number from 1 to 5/],
      [4, '', /^created_at \(column "Opened"\): is empty/],
      [4, '25/11/2026 08:00', /^created_at \(column "Opened"\): is not a time like/],
      [4, '2026-02-30T08:00:00Z', /is not a real date and time/],
      [4, '2026-11-25 08:00', /has no UTC offset: give the export's time zone/],
      [5, '2026-11-26T12:06:00Z', /^started_at \(column "Started"\): is more than 5 minutes in the future/],
      [4, '2026-10-01T08:00:00Z', /^created_at \(column "Opened"\): is too old: older than the 35-day retention/],
      [2, '', /^team \(column "Owner"\): is needed for started_at: map a team column or give a default team/],
    ];
    for (const [column, value, reason] of cases) {
      const row = [...base];
      row[column] = value;
      const result = rowEvents(row, plan());
      expect(result.ok, `${HEADER[column]} = ${value}`).toBe(false);
      if (!result.ok) {
        expect(result.reason).toMatch(reason);
        if (value.length > 2) expect(result.reason).not.toContain(value);
        expect(result.reason.length).toBeLessThanOrEqual(200);
      }
    }
  });

  it('for any row it takes, every event passes the event contract, at the times written, ids unique per kind', () => {
    const teams = ['RCM', 'Northwind', 'inhouse-rcm'];
    const time = fc.integer({ min: NOW - 34 * DAY, max: NOW });
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9 ,'-]{1,80}$/),
        fc.constantFrom('Prior Auth', 'Billing Follow-up', 'billing', 'insurance'),
        fc.constantFrom(...teams),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        time,
        fc.option(time, { nil: undefined }),
        fc.option(time, { nil: undefined }),
        fc.option(time, { nil: undefined }),
        (taskCell, queueCell, teamCell, priority, created, started, closed, cancelled) => {
          const cell = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
          const row = [taskCell, queueCell, teamCell, priority === undefined ? '' : String(priority), cell(created), cell(started), cell(closed), cell(cancelled)];
          const result = rowEvents(row, plan());
          if (taskCell.trim() === '') {
            expect(result.ok).toBe(false);
            return;
          }
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const expectedTimes = [created, started, closed, cancelled].filter((t) => t !== undefined).map((t) => new Date(t!).toISOString());
          expect(result.events.map((e) => e.occurred_at)).toEqual(expectedTimes);
          expect(new Set(result.events.map((e) => e.event_id)).size).toBe(result.events.length);
          expect(new Set(result.events.map((e) => e.task_id)).size).toBe(1);
          for (const event of result.events) expect(checkEvent(event, config, NOW)).toEqual({ ok: true, event });
          // The same row again gives the same ids: importing twice is all duplicates.
          expect(rowEvents(row, plan())).toEqual(result);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('times in a named zone', () => {
  it('reads hand-worked local times, both sides of the clock changes', () => {
    const berlin = new ZoneReader('Europe/Berlin');
    const chicago = new ZoneReader('America/Chicago');
    const at = (text: string, zone: ZoneReader) => {
      const r = readTime(text, zone);
      return r.ok ? new Date(r.ms).toISOString() : r.rule;
    };
    expect(at('2026-11-02 09:15', berlin)).toBe('2026-11-02T08:15:00.000Z');
    expect(at('2026-07-02 09:15:30', berlin)).toBe('2026-07-02T07:15:30.000Z');
    expect(at('2026-11-02 09:15', chicago)).toBe('2026-11-02T15:15:00.000Z');
    expect(at('2026-03-29 01:30', berlin)).toBe('2026-03-29T00:30:00.000Z');
    expect(at('2026-03-29 03:30', berlin)).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 on the night the clock goes back happens twice: the earlier one.
    expect(at('2026-10-25 02:30', berlin)).toBe('2026-10-25T00:30:00.000Z');
    // 02:30 on the night the clock goes forward does not exist: read with the offset before.
    expect(at('2026-03-29 02:30', berlin)).toBe('2026-03-29T01:30:00.000Z');
    // A time with its offset ignores the zone.
    expect(at('2026-11-02T09:15:00-05:00', berlin)).toBe('2026-11-02T14:15:00.000Z');
  });

  it('gives back any instant from its wall-clock time in the zone (the earlier one where a time repeats)', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
      const reader = new ZoneReader(zone);
      const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      fc.assert(
        fc.property(fc.integer({ min: Date.parse('2025-01-01T00:00:00Z') / 1000, max: Date.parse('2027-12-31T00:00:00Z') / 1000 }), (seconds) => {
          const instant = seconds * 1000;
          const text = wall.format(new Date(instant));
          const read = readTime(text, reader);
          expect(read.ok).toBe(true);
          if (!read.ok) return;
          // Where a wall time repeats, the reading is the earlier instant: same wall time, up to an hour before.
          expect(wall.format(new Date(read.ms))).toBe(text);
          expect(instant - read.ms === 0 || instant - read.ms === 3600_000).toBe(true);
        }),
        { numRuns: 400 },
      );
    }
  });
});

describe('NDJSON split on any chunk boundaries', () => {
  async function linesOf(chunks: Buffer[]): Promise<NdjsonLine[]> {
    const out: NdjsonLine[] = [];
    for await (const line of ndjsonLines(chunks)) out.push(line);
    return out;
  }

  it('gives the same lines, numbered from 1 with blank lines counted, bad UTF-8 and bad JSON rejected by line', async () => {
    const body = Buffer.concat([
      Buffer.from('\ufeff{"a":1}\r\n\n  \n{"b":"ü"}\nnot json\n'),
      Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
      Buffer.from('[1,2]\n{"d":4}'),
    ]);
    const whole = await linesOf([body]);
    expect(whole).toEqual([
      { line: 1, ok: true, value: { a: 1 } },
      { line: 4, ok: true, value: { b: 'ü' } },
      { line: 5, ok: false, reason: 'the line is not JSON' },
      { line: 6, ok: false, reason: 'the line is not valid UTF-8' },
      { line: 7, ok: true, value: [1, 2] },
      { line: 8, ok: true, value: { d: 4 } },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const sorted = [0, ...cuts.sort((a, b) => a - b), body.length];
        const chunks = sorted.slice(1).map((end, i) => body.subarray(sorted[i], end));
        expect(await linesOf(chunks)).toEqual(whole);
      }),
    );
  });
});

describe('batches of an import', () => {
  it('hand every event to ingest once, in order, at most the limit a batch, a row never split; rejections name lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 120 }), fc.integer({ min: 5, max: 12 }), async (shape, limit) => {
        // -1: a line rejected while reading; n: a row of n events, of which an id ending in "-1" ingest rejects.
        const items: ImportItem[] = shape.map((n, i) => (n < 0 ? { line: i + 2, reason: 'bad row' } : { line: i + 2, events: Array.from({ length: n }, (_, k) => ({ id: `${i}-${k}` })) }));
        const batches: BodyItem[][] = [];
        const idOf = (b: BodyItem) => (b.ok ? (b.value as { id: string }).id : '');
        const ingest = async (batch: BodyItem[]) => {
          batches.push(batch);
          const rejected = batch.filter((b) => idOf(b).endsWith('-1')).map((b) => ({ index: b.index, reason: 'no' }));
          return { accepted: batch.length - rejected.length, duplicates: 0, rejected };
        };
        const summary = await runImport((async function* () { yield* items; })(), ingest, emptySummary('csv'), { batchSize: limit });
        const sent = batches.flat().map(idOf);
        const events = items.flatMap((it) => ('events' in it ? it.events.map((e) => (e as { id: string }).id) : []));
        expect(sent).toEqual(events);
        for (const batch of batches) {
          expect(batch.length).toBeLessThanOrEqual(limit);
          expect(batch.map((b) => b.index)).toEqual(batch.map((_, i) => i));
        }
        // A row's events share one batch: the last batch a row's event is in is the batch of each of them.
        const rowOf = (b: BodyItem) => idOf(b).split('-')[0];
        const batchOf = new Map(batches.flatMap((batch, n) => batch.map((b) => [rowOf(b), n] as const)));
        for (const [n, batch] of batches.entries()) for (const b of batch) expect(batchOf.get(rowOf(b))).toBe(n);
        const rejectedLines = items.filter((it) => 'reason' in it || it.events.length > 1).map((it) => it.line);
        expect(summary.rejected.map((r) => r.line)).toEqual(rejectedLines);
        expect(summary).toMatchObject({ records: items.length, events: events.length, accepted: events.length - items.filter((it) => 'events' in it && it.events.length > 1).length, rejected_count: rejectedLines.length });
      }),
      { numRuns: 200 },
    );
  });
});
