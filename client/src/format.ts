/**
 * Pure formatting and status logic of the wall: no React, no DOM, no clock of its own (every
 * function that depends on time takes `now`), so all of it is unit-tested.
 */
import type { HistoryPoint, QueueMetrics } from '../../contracts/metrics-snapshot';

/** What the wall shows for a value that does not exist (a quantile with no starts). */
export const NONE = '—';

/** No snapshot for longer than this and the screen says its data is stale (issue 4: 5 s). */
export const STALE_AFTER_MS = 5_000;

/** A lost link that has not come back after this long reads "Offline", not "Reconnecting". */
export const OFFLINE_AFTER_MS = 30_000;

// NOTE: attainments are ratios k/n and the default amber line is goal - 0.1, so exact float
// comparison would put 0.8 vs 0.9 - 0.1 on the wrong side of the line now and then.
const EPSILON = 1e-9;

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A whole count with thousands separators: 12345 -> "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return NONE;
  return counts.format(n);
}

/**
 * A duration in seconds, readable from across a room: "45s", "12m 30s", "1h 04m", "2d 03h";
 * null (no starts yet) is "—". The second unit is zero-padded so the width barely moves.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return NONE;
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad2(total % 60)}s`;
  if (total < 86_400) return `${Math.floor(total / 3600)}h ${pad2(Math.floor((total % 3600) / 60))}m`;
  return `${Math.floor(total / 86_400)}d ${pad2(Math.floor((total % 86_400) / 3600))}h`;
}

/**
 * A duration as a tile shows it, narrower than `formatDuration` for the same reading from across
 * a room: "45s", "7m 12s", then whole minutes from 10 minutes on ("38m"), "1h 04m", "2d 03h".
 * Like the other units, the minutes count whole minutes elapsed. Null is "—".
 */
export function formatWait(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return NONE;
  const total = Math.max(0, Math.round(seconds));
  if (total >= 600 && total < 3600) return `${Math.floor(total / 60)}m`;
  return formatDuration(total);
}

/**
 * A share as a whole percentage, rounded down: 0.897 -> "89%", never "90%", so a queue just
 * below a 90% goal never reads as if it met it. Null is "—".
 */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return NONE;
  return `${Math.floor(ratio * 100 + EPSILON)}%`;
}

/** An SLA goal as a percentage with at most one decimal: 0.9 -> "90%", 0.925 -> "92.5%". */
export function formatGoal(goal: number): string {
  return `${Math.round(goal * 1000) / 10}%`;
}

/** Local wall-clock time, 24-hour: "09:05:03". */
export function formatClock(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** Local hour and minute, 24-hour: "09:05". */
export function formatMinute(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

// ---------------------------------------------------------------------------------------------
// SLA status

export type SlaLevel = 'green' | 'amber' | 'red' | 'neutral';

/** Wall colour lines on SLA attainment (the queue's `thresholds` in the config). */
export interface SlaThresholds {
  /** Below this the queue is no longer green. */
  amber_below: number;
  /** Below this the queue is red. */
  red_below: number;
}

/** A queue as the screens read it; `thresholds` is present when the config sets them. */
export type WallQueue = QueueMetrics;

export interface SlaStatus {
  level: SlaLevel;
  label: 'On target' | 'At risk' | 'Breaching' | 'No starts yet';
  /** Why, in words, for the tile's tooltip and the screen reader. */
  reason: string;
}

/** The queue's own thresholds, or the default: green at the goal, red below goal - 0.1. */
export function slaThresholds(goal: number, thresholds?: SlaThresholds): SlaThresholds {
  return thresholds ?? { amber_below: goal, red_below: Math.max(0, goal - 0.1) };
}

/**
 * The tile's status, one rule for every queue (README, "What the wall's colours mean"); the worst
 * of these wins:
 * - red, Breaching: a waiting task is past its target now, or SLA attainment is below the red line;
 * - amber, At risk: attainment is below the goal (the amber line), tasks are near their target
 *   (over 80% of it), or a demand-peak alert fires on the queue;
 * - green, On target: attainment meets the goal and none of the above;
 * - neutral, No starts yet: nothing started in the window and none of the above.
 */
export function slaStatus(
  queue: Pick<WallQueue, 'sla_attainment' | 'sla_goal' | 'breached' | 'thresholds'> & Partial<Pick<WallQueue, 'at_risk'>>,
  alertFiring = false,
): SlaStatus {
  const attainment = queue.sla_attainment;
  const known = attainment != null && Number.isFinite(attainment);
  const { amber_below, red_below } = slaThresholds(queue.sla_goal, queue.thresholds);
  const reasons = { red: [] as string[], amber: [] as string[] };
  if (queue.breached > 0) reasons.red.push(`${queue.breached} waiting past target`);
  if (known && attainment < red_below - EPSILON) reasons.red.push(`SLA ${formatPercent(attainment)} below ${formatPercent(red_below)}`);
  if (known && attainment >= red_below - EPSILON && attainment < amber_below - EPSILON) reasons.amber.push(`SLA ${formatPercent(attainment)} below goal ${formatPercent(amber_below)}`);
  if ((queue.at_risk ?? 0) > 0) reasons.amber.push(`${queue.at_risk} near target`);
  if (alertFiring) reasons.amber.push('demand-peak alert');
  if (reasons.red.length > 0) return { level: 'red', label: 'Breaching', reason: [...reasons.red, ...reasons.amber].join('; ') };
  if (reasons.amber.length > 0) return { level: 'amber', label: 'At risk', reason: reasons.amber.join('; ') };
  if (!known) return { level: 'neutral', label: 'No starts yet', reason: 'no task started in the window' };
  return { level: 'green', label: 'On target', reason: `SLA ${formatPercent(attainment)}, goal ${formatPercent(queue.sla_goal)}` };
}

// ---------------------------------------------------------------------------------------------
// Age of the data and connection state

/**
 * Whole seconds from `atMs` to `nowMs` by the local clock; never negative; null if unknown.
 * NOTE: the screens measure the age of their data from when it arrived, by their own clock, not
 * from the server's `generated_at`: a wall PC whose clock is off by a minute would otherwise
 * never see its data go stale, or always. The server sends fresh data, so the two agree to within
 * the network's latency.
 */
export function secondsSince(atMs: number | null | undefined, nowMs: number): number | null {
  if (atMs == null || !Number.isFinite(atMs)) return null;
  return Math.max(0, Math.floor((nowMs - atMs) / 1000));
}

/** "updated 2 s ago", "updated 3m 10s ago"; "waiting for data" before the first snapshot. */
export function formatAge(ageSeconds: number | null): string {
  if (ageSeconds == null) return 'waiting for data';
  if (ageSeconds < 60) return `updated ${ageSeconds} s ago`;
  return `updated ${formatDuration(ageSeconds)} ago`;
}

/** The link to the server, as the socket module records it. */
export interface ConnectionState {
  /** connecting: first attempt; live: connected; retrying: lost, retrying; stopped: not retrying. */
  phase: 'connecting' | 'live' | 'retrying' | 'stopped';
  /** When the phase began (for retrying: when the link was lost), epoch ms. */
  since: number;
  /** Why the link is down, when the socket said so. */
  detail?: string;
}

export type ConnectionLabel = 'Connecting' | 'Live' | 'Reconnecting' | 'Offline';

/** The connection as a manager reads it: a short blip is "Reconnecting", a long one "Offline". */
export function connectionLabel(state: ConnectionState, nowMs: number): ConnectionLabel {
  switch (state.phase) {
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting';
    case 'retrying':
      return nowMs - state.since < OFFLINE_AFTER_MS ? 'Reconnecting' : 'Offline';
    case 'stopped':
      return 'Offline';
  }
}

// Socket.IO's own words for a lost link, in words a manager reads; anything else (the server's
// refusal, e.g. "unauthorized") is shown as the server said it.
const LINK_ERRORS: Record<string, string> = {
  'xhr poll error': 'server unreachable',
  'websocket error': 'server unreachable',
  timeout: 'server not answering',
  'ping timeout': 'server not answering',
  'transport close': 'connection lost',
  'transport error': 'connection lost',
  'io server disconnect': 'disconnected by the server',
  'io client disconnect': 'disconnected',
  'parse error': 'garbled data from the server',
};

/** A Socket.IO disconnect reason or connect error, readable on the wall. */
export function describeLinkError(message: string): string {
  return LINK_ERRORS[message] ?? message;
}

// ---------------------------------------------------------------------------------------------
// Trend chart

/** One bar/point of the trend chart; null where the server has no value for that minute. */
export interface TrendPoint {
  /** Start of the minute, epoch ms. */
  t: number;
  /** "HH:MM" local. */
  label: string;
  arrivals: number | null;
  backlog: number | null;
}

const MINUTE_MS = 60_000;

/**
 * Exactly `minutes` one-minute slots ending with the minute of `endMs`, filled from the history
 * points (gaps stay null); points outside the window are dropped, so the series never grows.
 */
export function buildTrend(points: readonly HistoryPoint[], endMs: number, minutes: number): TrendPoint[] {
  const lastSlot = Math.floor(endMs / MINUTE_MS) * MINUTE_MS;
  const firstSlot = lastSlot - (minutes - 1) * MINUTE_MS;
  const byMinute = new Map<number, HistoryPoint>();
  for (const p of points) {
    const t = Date.parse(p.minute);
    if (Number.isNaN(t)) continue;
    const slot = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    if (slot >= firstSlot && slot <= lastSlot) byMinute.set(slot, p);
  }
  const trend: TrendPoint[] = [];
  for (let t = firstSlot; t <= lastSlot; t += MINUTE_MS) {
    const p = byMinute.get(t);
    trend.push({ t, label: formatMinute(new Date(t)), arrivals: p?.arrivals ?? null, backlog: p?.backlog ?? null });
  }
  return trend;
}

/**
 * The labels of the slots that fall on a whole `everyMinutes` mark (by local time), for axis
 * ticks, leaving out the `edgeSlots` slots at each end.
 * NOTE: a label is centred on its slot; at an end of the axis half of it lies under the value axis'
 * bottom label ("0"), so which marks fell there depended on the time of day.
 */
export function trendTicks(trend: readonly TrendPoint[], everyMinutes: number, edgeSlots = 3): string[] {
  return trend
    .filter((p, i) => i >= edgeSlots && i < trend.length - edgeSlots && new Date(p.t).getMinutes() % everyMinutes === 0)
    .map((p) => p.label);
}

// ---------------------------------------------------------------------------------------------
// Access token

/**
 * Splits `token=...` out of a URL fragment: "#token=abc&x=1" -> {token: "abc", rest: "x=1"}.
 * The rest (without "#") is what stays in the address bar.
 */
export function splitTokenFromHash(hash: string): { token: string | null; rest: string } {
  const parts = hash.replace(/^#/, '').split('&');
  const index = parts.findIndex((part) => part.startsWith('token='));
  if (index === -1) return { token: null, rest: parts.join('&') };
  const [raw] = parts.splice(index, 1);
  // TRICKY: not URLSearchParams, which reads "+" as a space and would corrupt base64 tokens.
  let token: string;
  try {
    token = decodeURIComponent(raw.slice('token='.length));
  } catch {
    token = raw.slice('token='.length);
  }
  return { token: token === '' ? null : token, rest: parts.filter((part) => part !== '').join('&') };
}
