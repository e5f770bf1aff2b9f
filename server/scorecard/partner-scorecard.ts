/**
 * The partner scorecard's figures (SPEC section 11): per partner team, over (now - range, now],
 * how it answered the capacity requests created in the range (read from the `CapacityStore`, which
 * keeps every request for the retention period) and the first starts of the range (read from the
 * `MetricsStore`): its share of its queues' work, its SLA attainment and wait p90 by the SPEC
 * section 3 rules, against the in-house teams on the same queues; and what its agent-hours cost
 * (the `MetricsStore`'s staffing history); and its trend over the range (scorecard-trend.ts).
 */
import type { CapacityRequest } from '../../contracts/alerts.js';
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import { nearestRankIndex } from '../../contracts/metrics-snapshot.js';
import { RANGE_MS, type PartnerScore, type Scorecard, type ScorecardRange } from '../../contracts/scorecard.js';
import { selectRank } from '../../streams/embedded/minute-history.js';
import type { MetricsStore, StaffingChange, TeamStarts } from '../../streams/metrics-store.js';
import { integrate } from '../what-if/agents-on-duty.js';
import type { Principal } from '../access.js';
import type { CapacityStore } from '../capacity/capacity-store.js';
import { principalQueues } from '../views.js';
import { answeredOf, answerSeconds, partnerTrend, rankOf, trendBuckets } from './scorecard-trend.js';

export interface ScorecardSources {
  config: OpsConfig;
  store: Pick<MetricsStore, 'teamStarts' | 'staffingHistory'>;
  capacityStore: Pick<CapacityStore, 'latest'>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The partner teams a principal may see: a partner its own team only; a lead limited to teams or
 * sites the partners working a queue it sees (as it sees capacity requests); others every partner.
 */
export function visiblePartners(config: OpsConfig, principal: Principal): TeamConfig[] {
  const partners = config.teams.filter((t) => t.kind === 'partner');
  if (principal.role === 'partner') return partners.filter((t) => t.id === principal.team);
  const queues = principalQueues(config, principal);
  return queues ? partners.filter((t) => t.queues.some((q) => queues.has(q))) : partners;
}

/** The scorecard of `partners` over `range` up to `nowMs`. */
export async function partnerScorecard(sources: ScorecardSources, partners: readonly TeamConfig[], range: ScorecardRange, nowMs: number): Promise<Scorecard> {
  const fromMs = nowMs - RANGE_MS[range];
  const [starts, latest, staffing, buckets] = await Promise.all([
    sources.store.teamStarts(fromMs, nowMs),
    sources.capacityStore.latest(fromMs),
    sources.store.staffingHistory(fromMs, nowMs),
    trendBuckets(sources.store, range, fromMs, nowMs),
  ]);
  const requests = latest.filter((r) => {
    const created = Date.parse(r.created_at);
    return created > fromMs && created <= nowMs;
  });
  return {
    range,
    from: iso(fromMs),
    to: iso(nowMs),
    partners: partners.map((p) => {
      const own = requests.filter((r) => r.partner === p.id);
      return { ...scoreOf(sources.config, p, own, starts), cost: costOf(p, staffing, fromMs, nowMs), trend: partnerTrend(p.id, own, buckets) };
    }),
  };
}

/** The team's agent-hours over [fromMs, toMs) on all its queues times its cost, to the cent; null without a cost. */
export function costOf(team: TeamConfig, staffing: readonly StaffingChange[], fromMs: number, toMs: number): number | null {
  if (team.cost_per_agent_hour === undefined) return null;
  const byQueue = new Map<string, StaffingChange[]>();
  for (const c of staffing) {
    if (c.team !== team.id) continue;
    let list = byQueue.get(c.queue);
    if (!list) byQueue.set(c.queue, (list = []));
    list.push(c);
  }
  let hours = 0;
  for (const list of byQueue.values()) hours += integrate(list, fromMs, toMs, (c) => c.agents);
  return Math.round(hours * team.cost_per_agent_hour * 100) / 100;
}

function scoreOf(config: OpsConfig, partner: TeamConfig, requests: readonly CapacityRequest[], starts: readonly TeamStarts[]): Omit<PartnerScore, 'cost' | 'trend'> {
  const count = (state: CapacityRequest['state']) => requests.filter((r) => r.state === state).length;
  const accepted = count('accepted');
  const partial = count('partial');
  const declined = count('declined');
  const answered = answeredOf(requests);
  const answerTimes = answerSeconds(requests);

  const queues = new Set(partner.queues);
  const own = starts.filter((s) => s.team === partner.id);
  const onQueues = starts.filter((s) => queues.has(s.queue));
  const inhouse = onQueues.filter((s) => config.teamIndex.get(s.team)?.kind === 'inhouse');
  const sum = (rows: readonly TeamStarts[], f: (s: TeamStarts) => number) => rows.reduce((n, s) => n + f(s), 0);
  const ownStarts = sum(own, (s) => s.starts);
  const queueStarts = sum(onQueues, (s) => s.starts);
  const inhouseStarts = sum(inhouse, (s) => s.starts);
  const ownOnQueues = sum(own.filter((s) => queues.has(s.queue)), (s) => s.starts);
  const waitP90 = ownStarts === 0 ? null : selectRank(own.map((s) => s.waitsMs), nearestRankIndex(ownStarts, 0.9)) / 1000;

  return {
    team: partner.id,
    name: partner.name,
    queues: [...partner.queues],
    requests: { total: requests.length, accepted, partial, declined, no_answer: count('expired'), undeliverable: count('undeliverable') },
    acceptance_rate: answered.length === 0 ? null : (accepted + partial) / answered.length,
    answer_seconds_p50: rankOf(answerTimes, 0.5),
    answer_seconds_p90: rankOf(answerTimes, 0.9),
    agents_requested: requests.reduce((n, r) => n + r.agents_requested, 0),
    agents_committed: requests.reduce((n, r) => n + (r.agents_committed ?? 0), 0),
    share_of_starts: queueStarts === 0 ? null : ownOnQueues / queueStarts,
    sla_attainment: ownStarts === 0 ? null : sum(own, (s) => s.attained) / ownStarts,
    wait_p90_seconds: waitP90,
    inhouse_sla_attainment: inhouseStarts === 0 ? null : sum(inhouse, (s) => s.attained) / inhouseStarts,
  };
}
