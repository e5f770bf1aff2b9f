/**
 * First starts per queue and team in a time range, computed over the `aggregates` table (fact 3,
 * migration 004): the partner scorecard's task figures (SPEC section 11). The read is a primary-key
 * range on (fact, at), so it costs the starts of the range, not the length of history.
 *
 * A start's row carries a signed count `n` (a late event retracts a start and asserts another);
 * summed per queue, team and wait over the range, what is left above zero are the starts that stand.
 */
import type { OpsConfig } from '../../contracts/config.js';
import type { TeamStarts } from '../metrics-store.js';
import { FACT } from './batch-rows.js';
import type { ClickHouseConnection } from './clickhouse-port.js';
import { perQueue } from './snapshot-queries.js';
import { ident, sql } from './sql.js';

type TeamStartsRow = { queue: string; team: string; starts: number; attained: number; waits: number[] };

/** First starts at `at` in (fromMs, toMs] per queue and team (team '' rows, the queue's own, left out). */
export async function readTeamStarts(connection: ClickHouseConnection, database: string, config: OpsConfig, fromMs: number, toMs: number): Promise<TeamStarts[]> {
  const db = ident(database);
  // The waits come back whole (sorted, each repeated by its count), as the history query takes them:
  // the nearest ranks are then taken exactly as on the embedded store.
  const rows = await connection.query<TeamStartsRow>(sql`
    SELECT queue, team, toInt64(count()) AS starts,
      toInt64(countIf(wait_ms <= ${perQueue(config, (t) => t * 1000)})) AS attained,
      arraySort(groupArray(wait_ms)) AS waits
    FROM (
      SELECT queue, team, wait_ms, sum(n) AS c FROM ${db}.aggregates
      WHERE fact = ${FACT.start} AND at > ${Math.floor(fromMs)} AND at <= ${Math.floor(toMs)} AND team != ''
      GROUP BY queue, team, wait_ms HAVING c > 0
    ) ARRAY JOIN arrayResize([0], toUInt64(c)) AS copy
    GROUP BY queue, team
    ORDER BY queue, team`);
  return rows.map((r) => ({
    queue: r.queue,
    team: r.team,
    starts: Number(r.starts),
    attained: Number(r.attained),
    waitsMs: Float64Array.from(r.waits, Number),
  }));
}
