/**
 * A team's quiet hours: a daily span of local time (`from` inclusive, `to` exclusive) in an IANA
 * time zone; `from` later than `to` spans midnight (22:00-07:00). Time comes in as an instant, so
 * daylight saving is the time zone's business, not ours.
 */
import type { TeamConfig } from '../../contracts/config.js';

export type QuietHours = NonNullable<NonNullable<TeamConfig['chat']>['quiet_hours']>;

/** Minutes since midnight of an `HH:MM` time. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The local time at `ms` in `timeZone`, as minutes since local midnight. */
export function localMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

/** The local time at `ms` in `timeZone` as `HH:MM`. */
export function localClockTime(ms: number, timeZone: string): string {
  const m = localMinutes(ms, timeZone);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Whether the local minute `minute` lies within quiet hours from `from` to `to` (minutes). */
export function withinSpan(minute: number, from: number, to: number): boolean {
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** Whether `ms` falls in the quiet hours (none configured: never). */
export function isQuiet(quiet: QuietHours | undefined, ms: number): boolean {
  if (!quiet) return false;
  return withinSpan(localMinutes(ms, quiet.timezone), minutesOf(quiet.from), minutesOf(quiet.to));
}
