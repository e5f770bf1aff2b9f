import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEvent } from '../contracts/events.js';
import { REF_NOW, refConfig } from './support/random-events.js';

const base = { event_id: 'e1', type: 'task.created', occurred_at: '2026-11-26T11:00:00.000Z', queue: 'registration', task_id: 't1' };
const reason = (raw: unknown) => {
  const r = checkEvent(raw, refConfig, REF_NOW);
  return r.ok ? 'accepted' : r.reason;
};

describe('event contract (SPEC section 2)', () => {
  it('accepts every event type in its valid form', () => {
    expect(reason(base)).toBe('accepted');
    expect(reason({ ...base, priority: 5, team: 'inhouse-a' })).toBe('accepted');
    expect(reason({ ...base, type: 'task.assigned', team: 'inhouse-a' })).toBe('accepted');
    expect(reason({ ...base, type: 'task.started', team: 'inhouse-b' })).toBe('accepted');
    expect(reason({ ...base, type: 'task.completed' })).toBe('accepted');
    expect(reason({ ...base, type: 'task.cancelled', team: 'partner-x' })).toBe('accepted');
    expect(reason({ event_id: 'e2', type: 'staffing.updated', occurred_at: '2026-11-26T11:00:00+01:00', queue: 'insurance', team: 'partner-x', agents: 0 })).toBe('accepted');
    expect(reason({ ...base, occurred_at: '2026-11-26T12:04:59.999Z' })).toBe('accepted');
  });

  it('rejects unknown fields so that no patient data can enter', () => {
    expect(reason({ ...base, patient_name: 'Jane Doe' })).toBe('unknown field "patient_name": events carry opaque ids only');
    expect(reason({ ...base, mrn: '123', note: 'x' })).toBe('unknown fields "mrn", "note": events carry opaque ids only');
    expect(reason({ event_id: 'e2', type: 'staffing.updated', occurred_at: base.occurred_at, queue: 'insurance', team: 'partner-x', agents: 1, task_id: 't' })).toBe(
      'unknown field "task_id": events carry opaque ids only',
    );
  });

  it('names each broken field', () => {
    expect(reason({ ...base, event_id: '' })).toBe('event_id: must not be empty');
    expect(reason({ ...base, event_id: 'x'.repeat(65) })).toBe('event_id: must be at most 64 characters');
    expect(reason({ ...base, task_id: 'x'.repeat(65) })).toBe('task_id: must be at most 64 characters');
    expect(reason({ ...base, task_id: undefined })).toBe('task_id: is required');
    expect(reason({ ...base, type: undefined })).toBe('type: is required');
    expect(reason({ ...base, type: 'task.paused' })).toMatch(/^type: "task.paused" is not one of task.created/);
    expect(reason({ ...base, occurred_at: '2026-11-26T11:00:00' })).toBe('occurred_at: must be an RFC 3339 timestamp with a zone, like 2026-11-26T09:15:02.120Z');
    expect(reason({ ...base, occurred_at: 1764154800000 })).toMatch(/^occurred_at: /);
    expect(reason({ ...base, priority: 0 })).toBe('priority: must be from 1 to 5');
    expect(reason({ ...base, priority: 2.5 })).toBe('priority: must be an integer from 1 to 5');
    expect(reason({ ...base, type: 'task.started' })).toBe('team: is required');
    expect(reason({ ...base, type: 'task.assigned' })).toBe('team: is required');
    expect(reason({ ...base, type: 'task.completed', priority: 2 })).toBe('unknown field "priority": events carry opaque ids only');
    expect(reason({ event_id: 'e2', type: 'staffing.updated', occurred_at: base.occurred_at, queue: 'insurance', team: 'partner-x', agents: 10001 })).toBe('agents: must be from 0 to 10000');
    expect(reason({ event_id: 'e2', type: 'staffing.updated', occurred_at: base.occurred_at, queue: 'insurance', team: 'partner-x' })).toBe('agents: is required');
    expect(reason({ event_id: 'e2', type: 'staffing.updated', occurred_at: base.occurred_at, queue: 'insurance', agents: 3 })).toBe('team: is required');
  });

  it('rejects queues and teams the configuration does not know, and the far future', () => {
    expect(reason({ ...base, queue: 'radiology' })).toBe('queue: "radiology" is not a queue in the configuration');
    expect(reason({ ...base, type: 'task.started', team: 'ghost' })).toBe('team: "ghost" is not a team in the configuration');
    expect(reason({ ...base, occurred_at: '2026-11-26T12:05:00.001Z' })).toBe('occurred_at: is more than 5 minutes in the future');
    expect(reason([base])).toBe('an event must be a JSON object');
    expect(reason(null)).toBe('an event must be a JSON object');
  });
});

describe('event contract: poison, privacy and edges (SPEC section 9)', () => {
  const MARKER = 'Jane Doe DOB 1961-02-03 MRN 00123456';

  it('rejects types named after inherited properties, one event at a time', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      expect(reason({ ...base, type })).toBe(`type: "${type}" is not one of task.created, task.assigned, task.started, task.completed, task.cancelled, staffing.updated`);
    }
    expect(reason({ ...base, type: { toString: 'task.created' } })).toMatch(/^type: must be a string, one of task.created/);
    expect(reason(JSON.parse('{"__proto__": {"type": "task.created"}, "event_id": "e"}'))).toBe('type: is required');
    expect(reason(JSON.parse(JSON.stringify({ ...base, queue: 'constructor' })))).toBe('queue: "constructor" is not a queue in the configuration');
    expect(reason(JSON.parse(`{${JSON.stringify(base).slice(1, -1)}, "__proto__": {"team": "inhouse-a"}}`))).toBe('unknown field "__proto__": events carry opaque ids only');
  });

  it('echoes a value only when it is a well-formed opaque id, in at most 200 characters', () => {
    const huge = 'x y'.repeat(2_000_000);
    const bad = [
      { ...base, queue: MARKER },
      { ...base, queue: huge },
      { ...base, type: 'task.started', team: MARKER },
      { ...base, type: MARKER },
      { ...base, event_id: MARKER.repeat(3) },
      { ...base, occurred_at: MARKER },
      { ...base, priority: MARKER },
      { ...base, task_id: { [MARKER]: MARKER } },
      { ...base, [MARKER]: MARKER },
      { ...base, [huge]: 1, [`${huge}!`]: 2, [MARKER]: 3 },
    ];
    for (const raw of bad) {
      const r = reason(raw);
      expect(r).not.toBe('accepted');
      expect(r).not.toContain('Jane');
      expect(r).not.toContain('x y');
      expect(r.length).toBeLessThanOrEqual(200);
    }
    expect(reason({ ...base, queue: MARKER })).toBe('queue: is not a queue in the configuration');
    expect(reason({ ...base, [MARKER]: 1, mrn: 2 })).toBe('unknown fields (name not shown), "mrn": events carry opaque ids only');
  });

  it('never throws, whatever the input, and keeps every reason short', () => {
    const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'type', 'queue', 'event_id', 'occurred_at'), fc.string());
    const value = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'task.created', 'registration'), fc.jsonValue());
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.dictionary(fc.constantFrom(...Object.keys(base)), value), (extra, fields) => {
        const raw = JSON.parse(JSON.stringify({ ...base, ...fields, ...extra }));
        const r = checkEvent(raw, refConfig, REF_NOW);
        if (!r.ok) expect(r.reason.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects occurred_at older than the retention, and takes lowercase t and z', () => {
    expect(reason({ ...base, occurred_at: '0001-01-01T00:00:00Z' })).toBe('occurred_at: is too old: older than the 35-day retention');
    expect(reason({ ...base, occurred_at: new Date(REF_NOW - 35 * 86_400_000 - 1).toISOString() })).toBe('occurred_at: is too old: older than the 35-day retention');
    expect(reason({ ...base, occurred_at: new Date(REF_NOW - 35 * 86_400_000).toISOString() })).toBe('accepted');
    const old = { ...base, occurred_at: new Date(REF_NOW - 40 * 86_400_000).toISOString() };
    expect(checkEvent(old, refConfig, REF_NOW, { retentionDays: 90 }).ok).toBe(true);
    expect(checkEvent(old, refConfig, REF_NOW, { retentionDays: 7 })).toEqual({ ok: false, reason: 'occurred_at: is too old: older than the 7-day retention' });
    const lower = checkEvent({ ...base, occurred_at: '2026-11-26t11:00:00.5z' }, refConfig, REF_NOW);
    expect(lower).toMatchObject({ ok: true, event: { occurred_at: '2026-11-26T11:00:00.5Z' } });
    expect(reason({ ...base, occurred_at: '2026-11-26t11:00:00+01:00' })).toBe('accepted');
  });
});
