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
