/**
 * One round of asking partners for one alert, as values: the round an alert opens, the round a
 * stored request stands for after a restart, and the request a round sends to its next partner.
 * Pure: time and ids come in as arguments.
 */
import type { TeamConfig } from '../../contracts/config.js';
import type { Alert, CapacityRequest } from '../../contracts/alerts.js';

/** A first request and its escalations, oldest first. */
export interface Round {
  alertId: string;
  queue: string;
  startedMs: number;
  /** Agents the round looks for: the alert's shortfall when it opened. */
  need: number;
  windowEndMs: number;
  reason: Omit<CapacityRequest['reason'], 'committed_elsewhere'>;
  requestIds: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The round a firing alert opens at `nowMs`, wanting agents for `windowMs`. */
export function roundForAlert(alert: Alert, nowMs: number, windowMs: number): Round {
  const m = alert.measures;
  const { agents_needed, staffed_agents, forecast_next_60m, projected_sla, sla_goal, time_to_breach_minutes } = m;
  return {
    alertId: alert.id,
    queue: alert.queue,
    startedMs: nowMs,
    need: m.shortfall,
    windowEndMs: nowMs + windowMs,
    reason: { kind: alert.kind, alert_id: alert.id, agents_needed, staffed_agents, forecast_next_60m, projected_sla, sla_goal, time_to_breach_minutes },
    requestIds: [],
  };
}

/** The round a stored first request (one that escalates nothing) opened. */
export function roundOfStored(r: CapacityRequest): Round {
  const { committed_elsewhere: _, ...reason } = r.reason;
  const need = reason.agents_needed - reason.staffed_agents;
  return { alertId: r.alert_id, queue: r.queue, startedMs: Date.parse(r.created_at), need, windowEndMs: Date.parse(r.window_end), reason, requestIds: [] };
}

export interface NextAsk {
  id: string;
  nowMs: number;
  partner: TeamConfig;
  /** Agents still missing, and those other partners committed in this round. */
  missing: number;
  committed: number;
  /** The request this one escalates, if any. */
  previous: CapacityRequest | undefined;
}

/** The request to the next partner of a round, as it is created (`delivering`). */
export function nextRequest(round: Round, a: NextAsk): CapacityRequest {
  const capacity = a.partner.capacity!;
  return {
    request_id: a.id,
    queue: round.queue,
    partner: a.partner.id,
    agents_requested: Math.min(a.missing, capacity.max_agents),
    window_start: iso(a.nowMs),
    window_end: iso(Math.max(round.windowEndMs, a.nowMs + 15 * 60_000)),
    respond_by: iso(a.nowMs + capacity.respond_within_seconds * 1000),
    reason: { ...round.reason, committed_elsewhere: a.committed },
    alert_id: round.alertId,
    partner_name: a.partner.name,
    state: 'delivering',
    agents_committed: null,
    attempts: 0,
    last_error: null,
    created_at: iso(a.nowMs),
    updated_at: iso(a.nowMs),
    answered_at: null,
    escalated_from: a.previous?.request_id ?? null,
    escalated_to: null,
  };
}
