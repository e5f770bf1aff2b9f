/**
 * `npm run demo:surge`: the product as `npm start` runs it, on a clock that starts on a weekday
 * morning (09:05 UTC, inside the simulator's 08:00-11:00 surge), so the demand-peak alert and the
 * capacity requests show whatever the hour. `CLOCK_AT=2026-11-26T08:40:00Z` picks the instant.
 * The clock is handed to the product (no global is patched), so the wall shows that time too.
 */
import { clockStartingAt, systemClock } from '../contracts/clock.js';
import { runServer } from '../server/serve.js';
import { buildWallIfStale } from './build-wall.js';

const HOUR_MS = 3600_000;

/** 09:05 UTC of today, or of the last weekday: the surge runs Monday to Friday. */
export function surgeInstant(nowMs: number): number {
  const day = new Date(nowMs);
  day.setUTCHours(9, 5, 0, 0);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setTime(day.getTime() - 24 * HOUR_MS);
  return day.getTime();
}

buildWallIfStale();
await runServer((env) => {
  const at = env.CLOCK_AT ?? surgeInstant(systemClock());
  console.log(`demo clock: it is ${new Date(at).toISOString()} in this product (its clock runs from there)`);
  return clockStartingAt(at);
});
