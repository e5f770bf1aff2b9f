/**
 * The alerting contract (SPEC sections 4, 5 and 6): demand-peak alerts, capacity requests to
 * partners, the signed webhook body a partner receives and the answer it sends back. One zod
 * schema per shape, `z.infer` for the types; shared by the server, the demo partners and the
 * client (`alerts:update` and `capacity:update` carry these lists).
 */
import { z } from 'zod';
import { alertGuidanceSchema } from './alert-guidance.js';

const instant = z.iso.datetime({ offset: true });

export const ALERT_KINDS = ['demand-peak'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** `pending` until the condition has held for the hold time, then `firing`, then `resolved`. */
export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** What the demand-peak rule measured for a queue at its last evaluation. */
export const peakMeasuresSchema = z.strictObject({
  /** Erlang C agents needed to meet the SLA goal over the next hour (its busiest 15 minutes). */
  agents_needed: z.int().min(0),
  staffed_agents: z.int().min(0),
  /** `agents_needed - staffed_agents` (negative: spare agents). */
  shortfall: z.int(),
  arrivals_last_15m: z.number().min(0),
  /** What the forecast expected for the last 15 minutes. */
  forecast_last_15m: z.number().min(0),
  /** Forecast arrivals over the next 60 minutes. */
  forecast_next_60m: z.number().min(0),
  /** `seasonal` (same weekday and time over past weeks, scaled intraday) or `ewma`. */
  forecast_method: z.enum(['seasonal', 'ewma']),
  /** Share of the coming hour's tasks expected to start within the target with today's staff. */
  projected_sla: z.number().min(0).max(1),
  sla_goal: z.number(),
  /** Minutes until a waiting task will pass the SLA target; null when none is expected to. */
  time_to_breach_minutes: z.number().min(0).nullable(),
});
export type PeakMeasures = z.infer<typeof peakMeasuresSchema>;

export const acknowledgementSchema = z.strictObject({
  by: z.string(),
  at: instant,
  comment: z.string().nullable(),
});
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

/** One alert as `GET /api/alerts` and `alerts:update` show it. */
export const alertSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  queue: z.string(),
  queue_name: z.string(),
  state: z.enum(ALERT_STATES),
  /** One line for a screen, e.g. "Insurance verification: 52 agents needed, 28 staffed". */
  summary: z.string(),
  /** When the condition was first seen (the alert went `pending`). */
  started_at: instant,
  firing_at: instant.nullable(),
  resolved_at: instant.nullable(),
  updated_at: instant,
  /** Notifications sent so far (the first when it fires, then repeats at a bounded rate). */
  notifications: z.int().min(0),
  last_notified_at: instant.nullable(),
  /** The latest acknowledgement (kept for older clients: `acknowledgements` holds them all). */
  acknowledged: acknowledgementSchema.nullable(),
  /** Every acknowledgement, oldest first: a second one adds to the list, never replaces the first. */
  acknowledgements: z.array(acknowledgementSchema),
  measures: peakMeasuresSchema,
  /** Capacity requests sent for this alert, oldest first. */
  capacity_request_ids: z.array(z.string()),
  /** Firing alerts only: covered or not, the asks per partner and the recommended action. */
  guidance: alertGuidanceSchema.optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** `GET /api/alerts`: open alerts first, then recently resolved ones. */
export interface AlertsResponse {
  generated_at: string;
  alerts: Alert[];
}

/** `POST /api/alerts/:id/ack` body. */
export const ackRequestSchema = z.strictObject({
  comment: z.string().max(500, 'must be at most 500 characters').optional(),
});
export type AckRequest = z.infer<typeof ackRequestSchema>;

/**
 * Where a capacity request stands.
 * - `delivering`: being POSTed to the partner (retried on timeouts and 5xx).
 * - `awaiting_response`: the partner took the webhook (2xx); its answer is due by `respond_by`.
 * - `accepted`, `partial`, `declined`: the partner answered.
 * - `expired`: no answer by `respond_by`.
 * - `undeliverable`: a 4xx, or retries ran out before `respond_by`.
 * A partial, declined, expired or undeliverable request escalates what is still missing to the
 * next partner contracted for the queue, as a new request with `escalated_from` set.
 */
export const CAPACITY_STATES = ['delivering', 'awaiting_response', 'accepted', 'partial', 'declined', 'expired', 'undeliverable'] as const;
export type CapacityState = (typeof CAPACITY_STATES)[number];
export const OPEN_CAPACITY_STATES: readonly CapacityState[] = ['delivering', 'awaiting_response'];

/** Why the request was sent: the figures of the alert behind it. */
export const capacityReasonSchema = z.strictObject({
  kind: z.enum(ALERT_KINDS),
  alert_id: z.string(),
  agents_needed: z.int().min(0),
  staffed_agents: z.int().min(0),
  forecast_next_60m: z.number().min(0),
  projected_sla: z.number().min(0).max(1),
  sla_goal: z.number(),
  time_to_breach_minutes: z.number().min(0).nullable(),
  /** Agents other partners already committed in this round. */
  committed_elsewhere: z.int().min(0),
});
export type CapacityReason = z.infer<typeof capacityReasonSchema>;

/** The webhook body a partner receives (SPEC section 6), signed per Standard Webhooks. */
export const capacityWebhookSchema = z.strictObject({
  request_id: z.string(),
  queue: z.string(),
  partner: z.string(),
  agents_requested: z.int().positive(),
  window_start: instant,
  window_end: instant,
  respond_by: instant,
  reason: capacityReasonSchema,
});
export type CapacityWebhook = z.infer<typeof capacityWebhookSchema>;

/** One capacity request as `GET /api/capacity-requests` and `capacity:update` show it. */
export const capacityRequestSchema = capacityWebhookSchema.extend({
  alert_id: z.string(),
  partner_name: z.string(),
  state: z.enum(CAPACITY_STATES),
  agents_committed: z.int().min(0).nullable(),
  /** Delivery attempts so far (one request however often it was retried). */
  attempts: z.int().min(0),
  last_error: z.string().nullable(),
  created_at: instant,
  updated_at: instant,
  answered_at: instant.nullable(),
  escalated_from: z.string().nullable(),
  escalated_to: z.string().nullable(),
});
export type CapacityRequest = z.infer<typeof capacityRequestSchema>;

/** `GET /api/capacity-requests`: newest first. */
export interface CapacityRequestsResponse {
  generated_at: string;
  requests: CapacityRequest[];
}

export const CAPACITY_DECISIONS = ['accepted', 'partial', 'declined'] as const;
export type CapacityDecision = (typeof CAPACITY_DECISIONS)[number];

/**
 * `POST /api/capacity-requests/:id/response` body. `agents_committed`: all of `agents_requested`
 * for `accepted` (may be left out), 1 to `agents_requested - 1` for `partial`, 0 for `declined`
 * (may be left out).
 */
export const capacityResponseSchema = z.strictObject({
  decision: z.enum(CAPACITY_DECISIONS),
  agents_committed: z.int().min(0).max(10_000).optional(),
});
export type CapacityResponse = z.infer<typeof capacityResponseSchema>;

/** A stored and published state change of a capacity request (`ops.capacity-requests`). */
export interface CapacityChange {
  /** What happened, e.g. `created`, `delivered`, `delivery_failed`, `accepted`, `expired`. */
  change: string;
  /** 1, 2, 3... per request: the order of its changes. */
  seq: number;
  at: string;
  request: CapacityRequest;
}
