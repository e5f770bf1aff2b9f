/**
 * Records a stream worker cannot take, each with the DLQ reason it must carry: types named after
 * inherited properties, an own `__proto__`, values that read like patient data (never echoed),
 * too old for the retention, not JSON, and valid events whose apply throws (see throwingStore).
 */
import type { LogMessage } from '../../contracts/event-log.js';
import type { OpsEvent } from '../../contracts/events.js';
import type { MetricsStore } from '../../streams/metrics-store.js';

export const MARKER = 'Jane Doe DOB 1961-02-03 MRN 00123456';
const TYPES_LIST = 'task.created, task.assigned, task.started, task.completed, task.cancelled, staffing.updated';

export interface Poison {
  message: LogMessage;
  reason: RegExp;
}

/** Poison records for `queue`, tagged so that keys never collide with another run. */
export function poisonRecords(tag: string, nowMs: number, queue: string): Poison[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const base = (id: string) => ({ event_id: `${tag}-${id}`, type: 'task.created', occurred_at: iso(nowMs - 60_000), queue, task_id: `${tag}-${id}` });
  const poison = (id: string, value: string, reason: RegExp): Poison => ({ message: { key: `${tag}-${id}`, value }, reason });
  return [
    ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'].map((type) =>
      poison(`type-${type}`, JSON.stringify({ ...base(`type-${type}`), type }), new RegExp(`^type: "${type}" is not one of ${TYPES_LIST.replace(/\./g, '\\.')}$`)),
    ),
    poison('own-proto', `{"__proto__": {"type": "task.created"}, "event_id": "${tag}-own-proto"}`, /^type: is required$/),
    poison('own-proto-2', `${JSON.stringify(base('own-proto-2')).slice(0, -1)}, "__proto__": {"queue": "${queue}"}}`, /^unknown field "__proto__": events carry opaque ids only$/),
    poison('marker-queue', JSON.stringify({ ...base('marker-queue'), queue: MARKER }), /^queue: is not a queue in the configuration$/),
    poison('marker-field', JSON.stringify({ ...base('marker-field'), [MARKER]: MARKER }), /^unknown field \(name not shown\): events carry opaque ids only$/),
    poison('too-old', JSON.stringify({ ...base('too-old'), occurred_at: '0001-01-01T00:00:00Z' }), /^occurred_at: is too old: older than the \d+-day retention$/),
    poison('not-json', `{"queue": "${MARKER}"`, /^value is not JSON$/),
    poison('boom', JSON.stringify(base('boom')), /^could not be applied: TypeError$/),
  ];
}

/** An in-process store whose apply throws a TypeError for any batch holding an event id ending in `-boom`. */
export function throwingStore(inner: MetricsStore): MetricsStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'apply') return Reflect.get(target, prop, receiver);
      return async (events: readonly OpsEvent[]) => {
        if (events.some((e) => e.event_id.endsWith('-boom'))) throw new TypeError(`cannot read ${MARKER}`);
        return target.apply(events);
      };
    },
  });
}
