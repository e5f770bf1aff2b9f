/**
 * Sound and flash for the wall (issue 12, item 4): which firing alerts call for a tone and a flash
 * now, given what this screen has already played and the time. Pure: the memory goes in and comes
 * back out, so the wall's hook keeps it and a test drives it with any clock.
 */
import type { Alert } from '../../contracts/alerts';

/** A still-firing, unacknowledged alert sounds again after this long (default of `?sound_repeat=`). */
export const SOUND_REPEAT_MS_DEFAULT = 2 * 60_000;
const SOUND_REPEAT_SECONDS_MIN = 5;
const SOUND_REPEAT_SECONDS_MAX = 3600;

/** Per alert id this screen has seen: when it last sounded (epoch ms); null: seen, never sounded. */
export type SoundMemory = Readonly<Record<string, number | null>>;

export interface SoundDecision {
  /** Alert ids to sound and flash now, in the order given. */
  play: string[];
  memory: SoundMemory;
}

/** Whether an alert has been acknowledged by a lead (the latest one, or any in the list). */
function isAcknowledged(a: Pick<Alert, 'acknowledged' | 'acknowledgements'>): boolean {
  return a.acknowledged !== null || (a.acknowledgements?.length ?? 0) > 0;
}

/**
 * What to sound now: a firing, unacknowledged alert this screen has not sounded yet, or last
 * sounded `repeatMs` or more ago. Acknowledged, pending and resolved alerts never sound. The
 * memory keeps only the ids still in `alerts`, so it never outgrows the store's list.
 */
export function decideAlertSounds(memory: SoundMemory, alerts: readonly Alert[], nowMs: number, repeatMs: number = SOUND_REPEAT_MS_DEFAULT): SoundDecision {
  const play: string[] = [];
  const next: Record<string, number | null> = {};
  for (const a of alerts) {
    const last = memory[a.id];
    const due = a.state === 'firing' && !isAcknowledged(a) && (last === undefined || last === null || nowMs - last >= repeatMs);
    if (due) play.push(a.id);
    next[a.id] = due ? nowMs : (last ?? null);
  }
  return { play, memory: next };
}

/** The wall's sound options from its query string: `?sound=1` turns it on, `?sound_repeat=S` (5-3600 s) sets the repeat. */
export function parseSoundOptions(search: string): { enabled: boolean; repeatMs: number } {
  const params = new URLSearchParams(search);
  const enabled = ['1', 'on', 'true'].includes(params.get('sound') ?? '');
  const seconds = Number(params.get('sound_repeat'));
  const repeatMs =
    params.has('sound_repeat') && Number.isFinite(seconds) && seconds > 0
      ? Math.min(Math.max(seconds, SOUND_REPEAT_SECONDS_MIN), SOUND_REPEAT_SECONDS_MAX) * 1000
      : SOUND_REPEAT_MS_DEFAULT;
  return { enabled, repeatMs };
}

/** Plays a short two-note tone (about 0.6 s) on a running AudioContext: an oscillator, no audio file. */
export function playTone(ctx: AudioContext): void {
  const start = ctx.currentTime + 0.01;
  [880, 660].forEach((frequency, i) => {
    const at = start + i * 0.3;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    // NOTE: a ramp in and out; a bare start/stop clicks on most speakers.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.27);
  });
}
