/**
 * What a firing alert tells the room to do (issue 12), from the alert, the capacity requests sent
 * for it and the latest measures of every queue. Pure: `now` is passed in.
 *
 * Covered: the agents partners committed meet the shortfall (`committed >= shortfall`); the alert
 * stays `firing` in its lifecycle (no new asks, no escalation beyond the round) until it resolves.
 *
 * The recommended action, one rule, first match wins:
 * 1. covered: "wait: N agents committed, arriving";
 * 2. an in-house team works another queue staffed above what Erlang C needs there (slack): "move N
 *    agents from <team> (<queue>)", N = the smaller of that slack and what is not yet committed
 *    (a team that also works the alert's queue first, then the most slack);
 * 3. a partner has left a request unanswered for `OVERDUE_MINUTES` or more: "call <partner>: no
 *    answer for N min" (the longest waiting);
 * 4. part of the shortfall is asked of no one: "ask <partner> for N more" (the first partner
 *    contracted for the queue that has not refused or let a request lapse in this alert);
 * 5. else: "wait: N agents asked, answers due" (committed and pending agents cover the shortfall).
 */
import type { Alert, CapacityRequest, PeakMeasures } from '../../contracts/alerts.js';
import type { AlertGuidance, PartnerAsk } from '../../contracts/alert-guidance.js';
import { teamsForQueue, type OpsConfig } from '../../contracts/config.js';

/** A partner that has not answered this long is worth a phone call. */
export const OVERDUE_MINUTES = 5;

export interface GuidanceContext {
  config: OpsConfig;
  /** Latest measures per queue id. */
  latest: ReadonlyMap<string, PeakMeasures>;
  now: number;
}

const OPEN = new Set(['delivering', 'awaiting_response']);
const REFUSED = new Set(['declined', 'expired', 'undeliverable']);
const agents = (n: number) => `${n} agent${n === 1 ? '' : 's'}`;

/** The guidance of one firing alert, given the capacity requests sent for it. */
export function guideAlert(alert: Alert, requests: readonly CapacityRequest[], ctx: GuidanceContext): AlertGuidance {
  const shortfall = Math.max(0, alert.measures.shortfall);
  const mine = requests.filter((r) => r.alert_id === alert.id).sort((a, b) => a.created_at.localeCompare(b.created_at));
  const byPartner = new Map<string, PartnerAsk>();
  for (const r of mine) {
    const ask = byPartner.get(r.partner) ?? { partner: r.partner, partner_name: r.partner_name, requested: 0, committed: 0, pending: 0 };
    ask.requested += r.agents_requested;
    if (r.state === 'accepted') ask.committed += r.agents_committed ?? r.agents_requested;
    if (r.state === 'partial') ask.committed += r.agents_committed ?? 0;
    if (OPEN.has(r.state)) ask.pending += r.agents_requested;
    byPartner.set(r.partner, ask);
  }
  const asks = [...byPartner.values()];
  const committed = asks.reduce((n, a) => n + a.committed, 0);
  const pending = asks.reduce((n, a) => n + a.pending, 0);
  const unasked = Math.max(0, shortfall - committed - pending);
  const covered = committed >= shortfall;
  const base = { status: covered ? ('covered' as const) : ('firing' as const), shortfall, asks, committed, pending, unasked };
  if (covered) return { ...base, action: { kind: 'wait', text: `wait: ${agents(committed)} committed, arriving` } };

  const slack = bestSlack(alert.queue, ctx);
  if (slack) {
    const n = Math.min(slack.spare, shortfall - committed);
    return { ...base, action: { kind: 'move', text: `move ${agents(n)} from ${slack.team} (${slack.queue})` } };
  }
  const overdue = mine
    .filter((r) => OPEN.has(r.state))
    .map((r) => ({ r, minutes: Math.floor((ctx.now - Date.parse(r.created_at)) / 60_000) }))
    .filter((o) => o.minutes >= OVERDUE_MINUTES)
    .sort((a, b) => b.minutes - a.minutes)[0];
  if (overdue) return { ...base, action: { kind: 'call', text: `call ${overdue.r.partner_name}: no answer for ${overdue.minutes} min` } };
  if (unasked > 0) {
    const refused = new Set(mine.filter((r) => REFUSED.has(r.state)).map((r) => r.partner));
    const partners = teamsForQueue(ctx.config, alert.queue).filter((t) => t.kind === 'partner');
    const next = partners.find((t) => !refused.has(t.id) && !byPartner.get(t.id)?.pending) ?? partners.find((t) => !refused.has(t.id));
    const text = next ? `ask ${next.name} for ${unasked} more` : `find ${unasked} more agent${unasked === 1 ? '' : 's'}: no partner left to ask`;
    return { ...base, action: { kind: 'ask', text } };
  }
  return { ...base, action: { kind: 'wait', text: `wait: ${agents(pending)} asked, answers due` } };
}

/**
 * The other queue an in-house team of the config works with agents above its need: teams that also
 * work the alert's queue first (their agents know the work), then the most spare agents; config
 * order breaks ties.
 */
function bestSlack(queue: string, ctx: GuidanceContext): { team: string; queue: string; spare: number } | null {
  const found: { team: string; queue: string; spare: number; skilled: boolean }[] = [];
  for (const q of ctx.config.queues) {
    const m = q.id === queue ? undefined : ctx.latest.get(q.id);
    const spare = m ? m.staffed_agents - m.agents_needed : 0;
    if (spare <= 0) continue;
    const teams = teamsForQueue(ctx.config, q.id).filter((t) => t.kind === 'inhouse');
    const team = teams.find((t) => t.queues.includes(queue)) ?? teams[0];
    if (team) found.push({ team: team.name, queue: q.name, spare, skilled: team.queues.includes(queue) });
  }
  const best = found.sort((a, b) => Number(b.skilled) - Number(a.skilled) || b.spare - a.spare)[0];
  return best ? { team: best.team, queue: best.queue, spare: best.spare } : null;
}

/**
 * Alerts as the API and the wall list them: every capacity request of an alert (escalations and
 * top-ups happen in the desk) in `capacity_request_ids`, oldest first, and firing ones guided.
 */
export function withGuidance(alerts: readonly Alert[], requests: readonly CapacityRequest[], ctx: GuidanceContext): Alert[] {
  const byAlert = new Map<string, string[]>();
  for (const r of [...requests].reverse()) byAlert.set(r.alert_id, [...(byAlert.get(r.alert_id) ?? []), r.request_id]);
  return alerts.map((a) => {
    const ids = byAlert.get(a.id);
    const listed = ids ? { ...a, capacity_request_ids: [...new Set([...a.capacity_request_ids, ...ids])] } : a;
    return a.state === 'firing' ? { ...listed, guidance: guideAlert(a, requests, ctx) } : listed;
  });
}
