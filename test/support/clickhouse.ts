/** Where the tests find ClickHouse, and whether it answers (checked once, synchronously). */
import { execFileSync } from 'node:child_process';

export const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

let reachable: boolean | undefined;

/** True when ClickHouse answers; with CI=true an unreachable ClickHouse throws instead of skipping. */
export function clickHouseReachable(): boolean {
  if (reachable === undefined) {
    try {
      execFileSync('curl', ['-sf', '--max-time', '3', `${CLICKHOUSE_URL}/?query=SELECT%201`], { stdio: 'ignore' });
      reachable = true;
    } catch {
      reachable = false;
    }
  }
  if (!reachable && process.env.CI === 'true') {
    throw new Error(`ClickHouse does not answer at ${CLICKHOUSE_URL}: CI must start it (npm run services:up)`);
  }
  if (!reachable) console.warn(`skipping ClickHouse tests: nothing answers at ${CLICKHOUSE_URL} (npm run services:up starts it)`);
  return reachable;
}
