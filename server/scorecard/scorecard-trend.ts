/**
 * A partner's trend on the scorecard (SPEC section 11): its SLA attainment and answer time p50 per
 * hour (24 h) or UTC day (7 d, 30 d), by the rules of the range's totals. The task side reads
 * `MetricsStore.teamStarts` once per bucket: a read costs the starts it covers (embedded: by the
 * hour; ClickHouse: one query each), so the buckets together cost what the range costs once.
 */
import type { CapacityRequest } from '../../contracts/alerts.js';
import { nearestRankIndex } from '../../contracts/metrics-snapshot.js';
import { TREND_BUCKET_MS, type ScorecardRange, type TrendPoint } from '../../contracts/scorecard.js';
import type { MetricsStore, TeamStarts } from '../../streams/metrics-store.js';

/** A bucket (fromMs, toMs] of the range with the first starts in it. */
export interface TrendBucket {
  fromMs: number;
  toMs: number;
  starts: TeamStarts[];
}

/** The range (fromMs, toMs] cut on the hour or the UTC midnight (epoch multiples of the bucket length). */
export function trendBounds(range: ScorecardRange, fromMs: number, toMs: number): { fromMs: number; toMs: number }[] {
  const size = TREND_BUCKET_MS[range];
  const out: { fromMs: number; toMs: number }[] = [];
  for (let start = fromMs; start < toMs; ) {
    const end = Math.min(toMs, (Math.floor(start / size) + 1) * size);
    out.push({ fromMs: start, toMs: end });
    start = end;
  }
  return out;
}

/** The buckets of the range with their first starts, read in parallel. */
export async function trendBuckets(store: Pick<MetricsStore, 'teamStarts'>, range: ScorecardRange, fromMs: number, toMs: number): Promise<TrendBucket[]> {
  const bounds = trendBounds(range, fromMs, toMs);
  const starts = await Promise.all(bounds.map((b) => store.teamStarts(b.fromMs, b.toMs)));
  return bounds.map((b, i) => ({ ...b, starts: starts[i] }));
}

/** Nearest rank `q` of values already sorted ascending; null when there are none. */
export function rankOf(sorted: readonly number[], q: number): number | null {
  return sorted.length === 0 ? null : sorted[nearestRankIndex(sorted.length, q)];
}

/** The answered requests' answer times in seconds (answered_at - created_at), ascending. */
export function answerSeconds(requests: readonly CapacityRequest[]): number[] {
  return answeredOf(requests)
    .map((r) => (Date.parse(r.answered_at!) - Date.parse(r.created_at)) / 1000)
    .sort((a, b) => a - b);
}

/** The requests with an answer: accepted, partial or declined, with the time of it. */
export function answeredOf(requests: readonly CapacityRequest[]): CapacityRequest[] {
  return requests.filter((r) => (r.state === 'accepted' || r.state === 'partial' || r.state === 'declined') && r.answered_at !== null);
}

/** One partner's trend: `requests` are its requests of the range, `buckets` from trendBuckets. */
export function partnerTrend(team: string, requests: readonly CapacityRequest[], buckets: readonly TrendBucket[]): TrendPoint[] {
  return buckets.map((b) => {
    let starts = 0;
    let attained = 0;
    for (const s of b.starts) {
      if (s.team !== team) continue;
      starts += s.starts;
      attained += s.attained;
    }
    const inBucket = requests.filter((r) => {
      const created = Date.parse(r.created_at);
      return created > b.fromMs && created <= b.toMs;
    });
    return {
      from: new Date(b.fromMs).toISOString(),
      to: new Date(b.toMs).toISOString(),
      sla_attainment: starts === 0 ? null : attained / starts,
      answer_seconds_p50: rankOf(answerSeconds(inBucket), 0.5),
    };
  });
}
