/**
 * What a firing alert tells the room, in the wall banner's words (issue 12): its state, why it
 * fired, what is asked of whom against the shortfall, and who acknowledged. Pure functions over the
 * `guidance` the server computes (server/alerts/alert-guidance.ts).
 */
import type { Acknowledgement, Alert, PeakMeasures } from '../../contracts/alerts';
import type { AlertGuidance, PartnerAsk } from '../../contracts/alert-guidance';
import { formatMinute } from './format';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const agents = (n: number) => `${n} agent${n === 1 ? '' : 's'}`;

/** Where an alert stands on every screen: a firing alert whose committed agents meet the shortfall is covered. */
export type AlertPhase = 'pending' | 'firing' | 'covered' | 'resolved';

const PHASE_WORDS: Record<AlertPhase, string> = { pending: 'Pending', firing: 'Firing', covered: 'Covered · recovering', resolved: 'Resolved' };

/** The alert's phase: its state, with a firing alert read as covered when its guidance says so. */
export function alertPhase(alert: Pick<Alert, 'state' | 'guidance'>): AlertPhase {
  if (alert.state === 'firing' && alert.guidance?.status === 'covered') return 'covered';
  return alert.state;
}

/** The phase in words: "Pending", "Firing", "Covered · recovering", "Resolved". */
export function formatAlertPhase(phase: AlertPhase): string {
  return PHASE_WORDS[phase];
}

/** "Firing" or "Covered · recovering"; an alert without guidance (an older server) fires. */
export function formatAlertStatus(guidance: AlertGuidance | undefined): string {
  return formatAlertPhase(guidance?.status === 'covered' ? 'covered' : 'firing');
}

/** Why it fired: "72 arrivals in 15 min, forecast 40 · projected SLA 61% (goal 90%)". */
export function formatAlertReason(m: Pick<PeakMeasures, 'arrivals_last_15m' | 'forecast_last_15m' | 'projected_sla' | 'sla_goal'>): string {
  return `${Math.round(m.arrivals_last_15m)} arrivals in 15 min, forecast ${Math.round(m.forecast_last_15m)} · projected SLA ${pct(m.projected_sla)} (goal ${pct(m.sla_goal)})`;
}

/** One partner's ask: "North BPO: asked 4 · committed 1 · pending 3". */
export function formatPartnerAsk(a: PartnerAsk): string {
  const parts = [`asked ${a.requested}`, `committed ${a.committed}`];
  if (a.pending > 0) parts.push(`pending ${a.pending}`);
  return `${a.partner_name}: ${parts.join(' · ')}`;
}

/** The asks against the shortfall: "short 6 agents = 1 committed + 3 pending + 2 not asked". */
export function formatAskTotal(g: Pick<AlertGuidance, 'shortfall' | 'committed' | 'pending' | 'unasked'>): string {
  const parts = [`${g.committed} committed`];
  if (g.pending > 0) parts.push(`${g.pending} pending`);
  if (g.unasked > 0) parts.push(`${g.unasked} not asked`);
  const sum = g.committed + g.pending + g.unasked;
  // NOTE: partners may commit more than the shortfall; the sum then says so rather than pretend.
  return `short ${agents(g.shortfall)} ${sum === g.shortfall ? '=' : '<'} ${parts.join(' + ')}`;
}

/** "Acknowledged by lead-all at 09:12" (the comment is shown beside it as the lead wrote it). */
export function formatAckBy(ack: Acknowledgement): string {
  return `Acknowledged by ${ack.by} at ${formatMinute(new Date(ack.at))}`;
}
