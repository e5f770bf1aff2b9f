/**
 * `npm run demo:surge`: the product as `npm start` runs it, on a clock shifted to a weekday morning
 * (default 09:05 UTC, inside the simulator's 08:00-11:00 surge), so the demand-peak alert and the
 * capacity requests show whatever the hour. `DEMO_CLOCK_AT=2026-11-26T08:40:00Z` picks the instant.
 * Loaded with `--import` before anything else: it shifts `Date` for the whole process (timers are
 * untouched), so every part of the product agrees on the shifted time. A demo aid, nothing more.
 */
const HOUR_MS = 3600_000;

function defaultInstant(nowMs) {
  const day = new Date(nowMs);
  day.setUTCHours(9, 5, 0, 0);
  // Back to the last weekday: the surge runs Monday to Friday.
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setTime(day.getTime() - 24 * HOUR_MS);
  return day.getTime();
}

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
const wanted = process.env.DEMO_CLOCK_AT ? RealDate.parse(process.env.DEMO_CLOCK_AT) : defaultInstant(realNow());
if (!Number.isFinite(wanted)) {
  console.error(`DEMO_CLOCK_AT: not an instant: ${process.env.DEMO_CLOCK_AT}`);
  process.exit(1);
}
const offset = wanted - realNow();

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }
  static now() {
    return realNow() + offset;
  }
}
globalThis.Date = ShiftedDate;
console.log(`demo clock: it is ${new RealDate(wanted).toISOString()} in this process (shifted by ${Math.round(offset / 60_000)} min)`);
