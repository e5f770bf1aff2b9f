/**
 * The wall's sound decision (issue 12, item 4): a new firing alert sounds, the same one not again
 * within the repeat, again after it while still firing unacknowledged; acknowledged, pending and
 * resolved alerts never sound. Checked by hand and against a reference on random histories.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alert } from './support/sample-alert';
import { SOUND_REPEAT_MS_DEFAULT, decideAlertSounds, parseSoundOptions, type SoundMemory } from '../client/src/alert-sound';

const T0 = Date.parse('2026-11-26T10:02:00.000Z');
const MIN = 60_000;
const ACK = { by: 'lead-on-duty', at: '2026-11-26T10:03:00.000Z', comment: null };

describe('decideAlertSounds', () => {
  it('sounds a new firing alert, not again within 2 min, again after 2 min while it fires unacknowledged', () => {
    const first = decideAlertSounds({}, [alert()], T0);
    expect(first.play).toEqual(['a1']);
    const again = decideAlertSounds(first.memory, [alert()], T0 + 2 * MIN - 1);
    expect(again.play).toEqual([]);
    const repeat = decideAlertSounds(again.memory, [alert()], T0 + 2 * MIN);
    expect(repeat.play).toEqual(['a1']);
    // The repeat counts from the last tone, not from the first.
    expect(decideAlertSounds(repeat.memory, [alert()], T0 + 3 * MIN).play).toEqual([]);
    expect(decideAlertSounds(repeat.memory, [alert()], T0 + 4 * MIN).play).toEqual(['a1']);
  });

  it('never sounds an acknowledged alert, however long it fires', () => {
    const first = decideAlertSounds({}, [alert()], T0);
    const acked = alert({ acknowledged: ACK, acknowledgements: [ACK] });
    expect(decideAlertSounds(first.memory, [acked], T0 + 10 * MIN).play).toEqual([]);
    // Acknowledged before this screen ever saw it: silent too.
    expect(decideAlertSounds({}, [acked], T0).play).toEqual([]);
  });

  it('never sounds a resolved or pending alert, and forgets alerts no longer listed', () => {
    const first = decideAlertSounds({}, [alert()], T0);
    const resolved = decideAlertSounds(first.memory, [alert({ state: 'resolved', resolved_at: '2026-11-26T10:10:00.000Z' })], T0 + 10 * MIN);
    expect(resolved.play).toEqual([]);
    expect(decideAlertSounds({}, [alert({ state: 'pending', firing_at: null })], T0).play).toEqual([]);
    expect(decideAlertSounds(first.memory, [alert({ id: 'a2' })], T0 + MIN)).toEqual({ play: ['a2'], memory: { a2: T0 + MIN } });
  });

  it('sounds several new alerts at once, in the order given', () => {
    const first = decideAlertSounds({}, [alert({ id: 'a1' })], T0);
    expect(decideAlertSounds(first.memory, [alert({ id: 'a2' }), alert({ id: 'a1' }), alert({ id: 'a3' })], T0 + MIN).play).toEqual(['a2', 'a3']);
  });

  it('matches a reference over random histories', () => {
    const step = fc.record({
      advance: fc.integer({ min: 0, max: 3 * MIN }),
      alerts: fc.uniqueArray(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), state: fc.constantFrom('pending', 'firing', 'resolved' as const), acked: fc.boolean() }), { selector: (a) => a.id, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 5_000, max: 10 * MIN }), (steps, repeatMs) => {
        let memory: SoundMemory = {};
        // Reference: per id, the times it sounded; dropped when the id leaves the list.
        const sounded = new Map<string, number[]>();
        let now = T0;
        for (const s of steps) {
          now += s.advance;
          const alerts = s.alerts.map((a) => alert({ id: a.id, state: a.state, acknowledged: a.acked ? ACK : null, acknowledgements: a.acked ? [ACK] : [] }));
          const expected = s.alerts
            .filter((a) => a.state === 'firing' && !a.acked)
            .filter((a) => {
              const last = sounded.get(a.id)?.at(-1);
              return last === undefined || now - last >= repeatMs;
            })
            .map((a) => a.id);
          for (const id of [...sounded.keys()]) if (!s.alerts.some((a) => a.id === id)) sounded.delete(id);
          for (const id of expected) sounded.set(id, [...(sounded.get(id) ?? []), now]);
          const decision = decideAlertSounds(memory, alerts, now, repeatMs);
          expect(decision.play).toEqual(expected);
          memory = decision.memory;
        }
      }),
    );
  });
});

describe('parseSoundOptions', () => {
  it('is off unless asked for, with a 2 min repeat by default and a clamped ?sound_repeat=', () => {
    expect(parseSoundOptions('')).toEqual({ enabled: false, repeatMs: SOUND_REPEAT_MS_DEFAULT });
    expect(parseSoundOptions('?sound=0')).toEqual({ enabled: false, repeatMs: 120_000 });
    expect(parseSoundOptions('?sound=1')).toEqual({ enabled: true, repeatMs: 120_000 });
    expect(parseSoundOptions('?sound=1&sound_repeat=30')).toEqual({ enabled: true, repeatMs: 30_000 });
    expect(parseSoundOptions('?sound=1&sound_repeat=1')).toEqual({ enabled: true, repeatMs: 5_000 });
    expect(parseSoundOptions('?sound=1&sound_repeat=99999')).toEqual({ enabled: true, repeatMs: 3_600_000 });
    expect(parseSoundOptions('?sound=1&sound_repeat=soon')).toEqual({ enabled: true, repeatMs: 120_000 });
  });
});
