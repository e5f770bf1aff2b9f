/**
 * A hand-worked set of tasks and capacity requests for the partner scorecard (SPEC section 11),
 * at REF_NOW (2026-11-26T12:00Z). test/partner-scorecard.test.ts holds the figures worked out from
 * it by hand; this file holds only the inputs.
 *
 * Queues: registration (target 600 s), insurance (target 3600 s). Teams: inhouse-a (both queues),
 * inhouse-b (registration), partner-x (insurance), partner-y (registration, insurance; its name
 * holds a quote, a comma and a line break, for the CSV).
 */
import { parseConfig } from '../../contracts/config.js';
import type { CapacityChange, CapacityRequest, CapacityState } from '../../contracts/alerts.js';
import type { OpsEvent } from '../../contracts/events.js';
import { sha256Hex } from '../../server/access.js';
import { REF_NOW } from './random-events.js';

export const NOW = REF_NOW;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

export const SCORE_TOKENS = {
  lead: 'score-lead-0123456789',
  leadB: 'score-lead-b-0123456789',
  admin: 'score-admin-0123456789',
  viewer: 'score-viewer-0123456789',
  ingest: 'score-ingest-0123456789',
  partnerX: 'score-partner-x-0123456789',
  partnerY: 'score-partner-y-0123456789',
};

const capacity = (name: string) => ({ webhook_url: `https://${name}.example/capacity`, secret_env: `${name.toUpperCase()}_SECRET`, respond_within_seconds: 900, max_agents: 20 });

export const PARTNER_Y_NAME = 'Meridian "Health",\nServices';

export const scoreConfig = parseConfig({
  queues: [
    { id: 'registration', name: 'Registration', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 300 },
    { id: 'insurance', name: 'Insurance', sla: { target_seconds: 3600, goal: 0.9 }, handling_seconds: 600 },
  ],
  teams: [
    { id: 'inhouse-a', name: 'In-house A', kind: 'inhouse', queues: ['registration', 'insurance'] },
    { id: 'inhouse-b', name: 'In-house B', kind: 'inhouse', queues: ['registration'] },
    { id: 'partner-x', name: 'Partner X', kind: 'partner', queues: ['insurance'], capacity: capacity('px'), cost_per_agent_hour: 40 },
    { id: 'partner-y', name: PARTNER_Y_NAME, kind: 'partner', queues: ['registration', 'insurance'], capacity: capacity('py') },
  ],
  access: [
    { name: 'lead', role: 'lead', token_sha256: sha256Hex(SCORE_TOKENS.lead) },
    { name: 'lead-b', role: 'lead', teams: ['inhouse-b'], token_sha256: sha256Hex(SCORE_TOKENS.leadB) },
    { name: 'admin', role: 'admin', token_sha256: sha256Hex(SCORE_TOKENS.admin) },
    { name: 'wall', role: 'viewer', token_sha256: sha256Hex(SCORE_TOKENS.viewer) },
    { name: 'upstream', role: 'ingest', token_sha256: sha256Hex(SCORE_TOKENS.ingest) },
    { name: 'px', role: 'partner', team: 'partner-x', token_sha256: sha256Hex(SCORE_TOKENS.partnerX) },
    { name: 'py', role: 'partner', team: 'partner-y', token_sha256: sha256Hex(SCORE_TOKENS.partnerY) },
  ],
});

let n = 0;
/** A task created at `createdAt` and first started by `team` at `startAt` (no created event when createdAt is null). */
function task(id: string, queue: string, createdAt: number | null, startAt: number, team: string): OpsEvent[] {
  const out: OpsEvent[] = [];
  if (createdAt !== null) out.push({ event_id: `sc-${n++}`, type: 'task.created', occurred_at: iso(createdAt), queue, task_id: id });
  out.push({ event_id: `sc-${n++}`, type: 'task.started', occurred_at: iso(startAt), queue, task_id: id, team });
  return out;
}

const staffed = (team: string, queue: string, at: number, agents: number): OpsEvent => ({ event_id: `sc-${n++}`, type: 'staffing.updated', occurred_at: iso(at), queue, team, agents });

/**
 * Staffing, for the cost (partner-x 40 an agent-hour, partner-y none): partner-x on insurance 2
 * agents from 10 days ago, 0 from 2 days ago, 4 from 10 h ago, 1 from 6 h ago; partner-y 3 on
 * registration from 5 days ago (no cost: null whatever its hours).
 */
const STAFFING: OpsEvent[] = [
  staffed('partner-x', 'insurance', NOW - 10 * D, 2),
  staffed('partner-x', 'insurance', NOW - 2 * D, 0),
  staffed('partner-x', 'insurance', NOW - 10 * H, 4),
  staffed('partner-x', 'insurance', NOW - 6 * H, 1),
  staffed('partner-y', 'registration', NOW - 5 * D, 3),
];

/**
 * The tasks, each with its wait (first start - created) in seconds:
 *   insurance  T1 partner-x 600, T2 partner-x 7200, T3 partner-x 1800 (2 days ago),
 *              T4 inhouse-a 3600, T5 inhouse-a 7200, T6 partner-x 60 (10 days ago),
 *              T7 partner-y 1800, T8 partner-x 3600 (inhouse-a started it later; partner-x's
 *              earlier start arrives late and wins), T10 partner-x 3600 (started exactly 24 h ago),
 *              Q1-Q4 partner-x 60, 120, 180, 240; T9 partner-x started, never created: counts nowhere.
 *   registration R1 partner-y 300, R2 inhouse-a 900, R3 partner-x 100 (not contracted for it).
 */
export const SCORE_EVENTS: OpsEvent[] = [
  ...task('T1', 'insurance', NOW - 2 * H, NOW - 2 * H + 600 * S, 'partner-x'),
  ...task('T2', 'insurance', NOW - 3 * H, NOW - 1 * H, 'partner-x'),
  ...task('T3', 'insurance', NOW - 2 * D, NOW - 2 * D + 1800 * S, 'partner-x'),
  ...task('T4', 'insurance', NOW - 5 * H, NOW - 4 * H, 'inhouse-a'),
  ...task('T5', 'insurance', NOW - 5 * H, NOW - 3 * H, 'inhouse-a'),
  ...task('T6', 'insurance', NOW - 10 * D, NOW - 10 * D + 60 * S, 'partner-x'),
  ...task('T7', 'insurance', NOW - 1 * H, NOW - 30 * MIN, 'partner-y'),
  ...task('T8', 'insurance', NOW - 6 * H, NOW - 2 * H, 'inhouse-a'),
  ...task('T8', 'insurance', null, NOW - 5 * H, 'partner-x'),
  ...task('T9', 'insurance', null, NOW - 2 * H, 'partner-x'),
  ...task('T10', 'insurance', NOW - 25 * H, NOW - 24 * H, 'partner-x'),
  ...[60, 120, 180, 240].flatMap((wait, i) => task(`Q${i + 1}`, 'insurance', NOW - 20 * H, NOW - 20 * H + wait * S, 'partner-x')),
  ...task('R1', 'registration', NOW - 1 * H, NOW - 1 * H + 300 * S, 'partner-y'),
  ...task('R2', 'registration', NOW - 1 * H, NOW - 1 * H + 900 * S, 'inhouse-a'),
  ...task('R3', 'registration', NOW - 3 * H, NOW - 3 * H + 100 * S, 'partner-x'),
  ...STAFFING,
];

/** One request as the capacity store last holds it. */
function request(id: string, partner: string, state: CapacityState, createdAt: number, requested: number, committed: number | null, answerSeconds: number | null): CapacityChange {
  const created = iso(createdAt);
  const answered = answerSeconds === null ? null : iso(createdAt + answerSeconds * S);
  const r: CapacityRequest = {
    request_id: id,
    queue: 'insurance',
    partner,
    partner_name: partner,
    alert_id: `alert-${id}`,
    agents_requested: requested,
    window_start: created,
    window_end: iso(createdAt + 2 * H),
    respond_by: iso(createdAt + 900 * S),
    reason: { kind: 'demand-peak', alert_id: `alert-${id}`, agents_needed: 30, staffed_agents: 20, forecast_next_60m: 100, projected_sla: 0.5, sla_goal: 0.9, time_to_breach_minutes: 10, committed_elsewhere: 0 },
    state,
    agents_committed: committed,
    attempts: 1,
    last_error: state === 'undeliverable' ? 'HTTP 410' : null,
    created_at: created,
    updated_at: answered ?? created,
    answered_at: answered,
    escalated_from: null,
    escalated_to: null,
  };
  return { change: state, seq: 1, at: r.updated_at, request: r };
}

/**
 * The requests (agents requested / committed, answer time in seconds):
 *   partner-x A accepted 10/10 300 s (5 h ago), B partial 8/5 700 s (3 h), C declined 6/0 100 s (2 h),
 *             D expired 4 (90 min), E undeliverable 3 (1 h), F awaiting_response 2 (10 min),
 *             G accepted 5/5 1000 s (3 days), H accepted 7/7 200 s (8 days)
 *   partner-y Y1 accepted 4/4 60 s (20 h)
 */
export const SCORE_REQUESTS: CapacityChange[] = [
  request('A', 'partner-x', 'accepted', NOW - 5 * H, 10, 10, 300),
  request('B', 'partner-x', 'partial', NOW - 3 * H, 8, 5, 700),
  request('C', 'partner-x', 'declined', NOW - 2 * H, 6, 0, 100),
  request('D', 'partner-x', 'expired', NOW - 90 * MIN, 4, null, null),
  request('E', 'partner-x', 'undeliverable', NOW - 1 * H, 3, null, null),
  request('F', 'partner-x', 'awaiting_response', NOW - 10 * MIN, 2, null, null),
  request('G', 'partner-x', 'accepted', NOW - 3 * D, 5, 5, 1000),
  request('H', 'partner-x', 'accepted', NOW - 8 * D, 7, 7, 200),
  request('Y1', 'partner-y', 'accepted', NOW - 20 * H, 4, 4, 60),
];
