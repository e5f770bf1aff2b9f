/**
 * Alerts and capacity requests in the words of the screens (SPEC sections 4 and 5): the wall's
 * banner, the tiles' staffing line, the lead's alert list and capacity timeline. Pure functions,
 * plus the narrow selectors the components read the store with.
 */
import type { Acknowledgement, Alert, CapacityRequest, CapacityState } from '../../contracts/alerts';
import { formatMinute } from './format';
import type { OpsState } from './store';

/** Alerts firing now, oldest first (the longest-running peak leads the banner). */
export function firingAlerts(alerts: readonly Alert[]): Alert[] {
  return alerts
    .filter((a) => a.state === 'firing')
    .sort((a, b) => Date.parse(a.firing_at ?? a.started_at) - Date.parse(b.firing_at ?? b.started_at));
}

/** The capacity requests sent for one alert, oldest first (escalations after what they escalate). */
export function requestsForAlert(alertId: string, requests: readonly CapacityRequest[]): CapacityRequest[] {
  return requests.filter((r) => r.alert_id === alertId).sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}

/** Selector: the ids of the alerts firing now (compare with `useShallow`). */
export const selectFiringAlertIds = (s: OpsState): string[] => firingAlerts(s.alerts).map((a) => a.id);
/** Selector: one alert by id. */
export const selectAlert =
  (id: string) =>
  (s: OpsState): Alert | undefined =>
    s.alerts.find((a) => a.id === id);
/** Selector: the capacity requests of one alert (compare with `useShallow`). */
export const selectRequestsForAlert =
  (id: string) =>
  (s: OpsState): CapacityRequest[] =>
    requestsForAlert(id, s.capacityRequests);

/** "needs 12 agents, has 8". */
export function formatNeeds(needed: number, staffed: number): string {
  return `needs ${needed} agent${needed === 1 ? '' : 's'}, has ${staffed}`;
}

/**
 * A tile's agents metric: staffed against needed ("Agents/need", "8 / 12") when the server
 * computed a need, else just the staffed count; `title` says it in words.
 */
export function formatStaffing(staffed: number, needed: number | undefined): { label: string; value: string; title: string } {
  if (needed === undefined) return { label: 'Agents', value: String(staffed), title: `${staffed} agents staffed` };
  return { label: 'Agents/need', value: `${staffed} / ${needed}`, title: `${staffed} agents staffed, ${needed} needed` };
}

/** Whether a queue is staffed short of what it needs. */
export function isShortStaffed(staffed: number, needed: number | undefined): boolean {
  return needed !== undefined && staffed < needed;
}

/**
 * Minutes until a waiting task passes the target: "breach in 7 min", "breach in 1 h 05 min",
 * "breaching now"; null: none expected. `breached`, when given, is the current count: the minutes
 * come from the alerting's last evaluation (up to 15 s older), so "now" with nothing breached in
 * the current figures reads "breach within 1 min" instead of contradicting "0 breached".
 */
export function formatBreach(minutes: number | null | undefined, breached?: number): string | null {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return null;
  if (minutes < 0.5) return breached === 0 ? 'breach within 1 min' : 'breaching now';
  const whole = Math.round(minutes);
  if (whole < 60) return `breach in ${whole} min`;
  return `breach in ${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, '0')} min`;
}

/**
 * Where one capacity request stands, for the wall's banner: "requested 9 · accepted 4",
 * "requested 5 · waiting, answer due 10:15", "requested 5 · declined".
 */
export function formatRequestStatus(r: CapacityRequest): string {
  const requested = `requested ${r.agents_requested}`;
  switch (r.state) {
    case 'delivering':
      return `${requested} · sending${r.attempts > 1 ? ` (attempt ${r.attempts})` : ''}`;
    case 'awaiting_response':
      return `${requested} · waiting, answer due ${formatMinute(new Date(r.respond_by))}`;
    case 'accepted':
    case 'partial':
      return `${requested} · accepted ${r.agents_committed ?? (r.state === 'accepted' ? r.agents_requested : 0)}`;
    case 'declined':
      return `${requested} · declined`;
    case 'expired':
      return `${requested} · no answer`;
    case 'undeliverable':
      return `${requested} · not delivered`;
  }
}

/** "Northwind: requested 9 · accepted 4". */
export function formatRequestLine(r: CapacityRequest): string {
  return `${r.partner_name}: ${formatRequestStatus(r)}`;
}

/** A request's state as a timeline step: "sent", "delivered, awaiting answer", "accepted 4 of 9"... */
export function describeCapacityState(state: CapacityState, r: Pick<CapacityRequest, 'agents_requested' | 'agents_committed'>): string {
  switch (state) {
    case 'delivering':
      return 'sent';
    case 'awaiting_response':
      return 'delivered, awaiting answer';
    case 'accepted':
      return `accepted ${r.agents_committed ?? r.agents_requested} of ${r.agents_requested}`;
    case 'partial':
      return `accepted ${r.agents_committed ?? 0} of ${r.agents_requested} (partial)`;
    case 'declined':
      return 'declined';
    case 'expired':
      return 'expired without an answer';
    case 'undeliverable':
      return 'could not be delivered';
  }
}

/** Whether a state is good, pending or bad news, for its colour (always next to its words). */
export function capacityLevel(state: CapacityState): 'green' | 'amber' | 'red' {
  if (state === 'accepted') return 'green';
  if (state === 'delivering' || state === 'awaiting_response' || state === 'partial') return 'amber';
  return 'red';
}

/** An alert's state and since when: "firing since 10:02", "pending since 09:58", "resolved at 10:40". */
export function formatAlertSince(a: Pick<Alert, 'state' | 'started_at' | 'firing_at' | 'resolved_at'>): string {
  if (a.state === 'resolved') return `resolved at ${formatMinute(new Date(a.resolved_at ?? a.started_at))}`;
  if (a.state === 'firing') return `firing since ${formatMinute(new Date(a.firing_at ?? a.started_at))}`;
  return `pending since ${formatMinute(new Date(a.started_at))}`;
}

/**
 * Every acknowledgement of an alert, oldest first. A reply without the list (an older server)
 * still shows its latest acknowledgement.
 */
export function acknowledgementHistory(a: Pick<Alert, 'acknowledged'> & { acknowledgements?: readonly Acknowledgement[] }): Acknowledgement[] {
  const all = a.acknowledgements ?? (a.acknowledged ? [a.acknowledged] : []);
  return [...all].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
}
