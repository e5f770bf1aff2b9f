/**
 * The client's one store: the latest snapshot and when it arrived, the connection, a clock, and
 * the histories the screens draw (the wall's trend and sparklines, the lead's queue page).
 * Created by a factory and handed down by context, so a test can build its own.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Alert, CapacityRequest, CapacityState } from '../../contracts/alerts';
import type { QueueForecast, QueueTeams } from '../../contracts/lead-charts';
import type { HistoryPoint, MetricsHistory, MetricsSnapshot } from '../../contracts/metrics-snapshot';
import { STALE_AFTER_MS, type ConnectionState } from './format';

/** History kept in memory for the wall's trend: twice the chart's hour, whatever the server sends. */
const HISTORY_POINTS_KEPT = 120;
/** Alerts kept (the server sends open and recent ones; a bound all the same for a wall left for days). */
export const ALERTS_KEPT = 100;
/** Capacity requests kept, newest first. */
export const CAPACITY_REQUESTS_KEPT = 300;
/** State changes remembered per capacity request. */
const CHANGES_KEPT = 12;

/** A state a capacity request was seen in, and since when (its `updated_at` then). */
export interface CapacityChangeSeen {
  state: CapacityState;
  at: string;
}

/** Backlog points kept per queue for a sparkline. */
export const SPARKLINE_POINTS = 60;

export interface TrendHistory {
  points: HistoryPoint[];
  /** The server's `generated_at` of the last successful load; null before it. */
  generatedAt: string | null;
  /** Why the last load failed; null after a success. */
  error: string | null;
}

/** Backlog at the end of each of the last minutes of one queue, oldest first. */
export interface BacklogSeries {
  /** Start of the minute of the last point, epoch ms. */
  endMinute: number;
  values: number[];
}

/** One queue's history for the lead's queue page. */
export interface QueueHistory {
  /** Which request this answers: `${queue}|${minutes}`. */
  key: string;
  history: MetricsHistory | null;
  /** The same range a week earlier; the forecast with staffed and needed agents; the teams over the range (null: not (yet) had). */
  lastWeek: MetricsHistory | null;
  forecast: QueueForecast | null;
  teams: QueueTeams | null;
  loading: boolean;
  error: string | null;
}

/** Queue and team names for the lead's filters, as the server lets this token see them. */
export interface Catalogue {
  queues: { id: string; name: string }[];
  teams: { id: string; name: string; kind: 'inhouse' | 'partner' }[];
}

export interface OpsState {
  /** Local clock, epoch ms, advanced once a second. */
  now: number;
  /** When the current screen started, epoch ms. */
  startedAt: number;
  connection: ConnectionState;
  snapshot: MetricsSnapshot | null;
  /** Local time the latest snapshot arrived, epoch ms; null before the first. */
  receivedAt: number | null;
  /**
   * The product's clock minus this screen's, to the second, from the latest snapshot's
   * `generated_at`: the wall shows the product's time (a demo's shifted clock, or a server whose
   * clock differs from the screen's), while ages stay on the screen's own clock.
   */
  clockOffsetMs: number;
  /** No snapshot for more than STALE_AFTER_MS (or none at all since the screen started). */
  stale: boolean;
  trend: TrendHistory;
  sparklines: Record<string, BacklogSeries>;
  queueHistory: QueueHistory | null;
  catalogue: Catalogue | null;
  /** Why the server refused this token (lead view: shows the sign-in form again). */
  authError: string | null;
  /** The view's alerts as the server last sent them (open first, then recently resolved). */
  alerts: Alert[];
  /** The view's capacity requests, newest first. */
  capacityRequests: CapacityRequest[];
  /** Per request id: the states it was seen in, oldest first (the timeline on the lead view). */
  capacityChanges: Record<string, CapacityChangeSeen[]>;
  /** Starts a screen afresh: what the previous screen (another view) held is dropped. */
  reset(nowMs: number): void;
  tick(nowMs: number): void;
  setConnection(connection: ConnectionState): void;
  applySnapshot(snapshot: MetricsSnapshot, receivedAt: number): void;
  setTrend(history: MetricsHistory): void;
  setTrendError(message: string): void;
  /** Replaces the sparklines with one per queue given; a queue whose load failed keeps its old one. */
  setSparklines(loaded: ReadonlyMap<string, MetricsHistory | null>): void;
  setQueueHistory(queueHistory: QueueHistory): void;
  setCatalogue(catalogue: Catalogue): void;
  setAuthError(message: string | null): void;
  setAlerts(alerts: readonly Alert[]): void;
  /** One alert changed (e.g. acknowledged): replaces it in place. */
  updateAlert(alert: Alert): void;
  setCapacityRequests(requests: readonly CapacityRequest[]): void;
}

const MINUTE_MS = 60_000;

function initialState(nowMs: number) {
  return {
    now: nowMs,
    startedAt: nowMs,
    connection: { phase: 'connecting', since: nowMs } satisfies ConnectionState as ConnectionState,
    snapshot: null,
    receivedAt: null,
    clockOffsetMs: 0,
    stale: false,
    trend: { points: [], generatedAt: null, error: null },
    sparklines: {},
    queueHistory: null,
    catalogue: null,
    authError: null,
    alerts: [] as Alert[],
    capacityRequests: [] as CapacityRequest[],
    capacityChanges: {} as Record<string, CapacityChangeSeen[]>,
  };
}

/** Whether a screen holding data received at `receivedAt` (or none, since `startedAt`) is stale at `nowMs`. */
export function staleAt(receivedAt: number | null, startedAt: number, nowMs: number): boolean {
  return nowMs - (receivedAt ?? startedAt) > STALE_AFTER_MS;
}

/** A fresh store; `nowMs` fixes its clock's start (tests). */
export function createOpsStore(nowMs: number = Date.now()) {
  return createStore<OpsState>()((set, get) => ({
    ...initialState(nowMs),
    reset(next) {
      set(initialState(next));
    },
    tick(next) {
      const state = get();
      const stale = staleAt(state.receivedAt, state.startedAt, next);
      // Only whole-second changes re-render the clock and the age; staleness flips at once.
      if (Math.floor(next / 1000) !== Math.floor(state.now / 1000)) set({ now: next, stale });
      else if (stale !== state.stale) set({ stale });
    },
    setConnection(connection) {
      set({ connection });
    },
    applySnapshot(snapshot, receivedAt) {
      const offset = Date.parse(snapshot.generated_at) - receivedAt;
      set({ snapshot, receivedAt, stale: false, clockOffsetMs: Number.isFinite(offset) ? Math.round(offset / 1000) * 1000 : 0 });
    },
    setTrend(history) {
      set({ trend: { points: history.points.slice(-HISTORY_POINTS_KEPT), generatedAt: history.generated_at, error: null } });
    },
    setTrendError(message) {
      // Keep the last good series on screen; only say that it is not refreshing.
      set((state) => ({ trend: { ...state.trend, error: message } }));
    },
    setSparklines(loaded) {
      // NOTE: rebuilt from the queues asked for, so a wall fed changing queue lists never grows.
      const previous = get().sparklines;
      const sparklines: Record<string, BacklogSeries> = {};
      for (const [queue, history] of loaded) {
        const series = history ? toBacklogSeries(history) : previous[queue];
        if (series) sparklines[queue] = series;
      }
      set({ sparklines });
    },
    setQueueHistory(queueHistory) {
      set({ queueHistory });
    },
    setCatalogue(catalogue) {
      set({ catalogue });
    },
    setAuthError(authError) {
      set({ authError });
    },
    setAlerts(alerts) {
      set({ alerts: alerts.slice(0, ALERTS_KEPT) });
    },
    updateAlert(alert) {
      set((state) => ({ alerts: state.alerts.map((a) => (a.id === alert.id ? alert : a)) }));
    },
    setCapacityRequests(requests) {
      const kept = requests.slice(0, CAPACITY_REQUESTS_KEPT);
      set((state) => ({ capacityRequests: kept, capacityChanges: trackChanges(state.capacityChanges, kept) }));
    },
  }));
}

/**
 * The states each request was seen in: its first sighting adds `delivering` at `created_at`
 * (when it was sent) if it has moved on since; every new state adds a step at its `updated_at`.
 * Rebuilt from the requests given, so it never outgrows them.
 */
export function trackChanges(
  previous: Readonly<Record<string, CapacityChangeSeen[]>>,
  requests: readonly CapacityRequest[],
): Record<string, CapacityChangeSeen[]> {
  const next: Record<string, CapacityChangeSeen[]> = {};
  for (const r of requests) {
    const seen = previous[r.request_id] ?? (r.state === 'delivering' ? [] : [{ state: 'delivering' as const, at: r.created_at }]);
    const last = seen.at(-1);
    next[r.request_id] = last?.state === r.state ? seen : [...seen, { state: r.state, at: r.updated_at }].slice(-CHANGES_KEPT);
  }
  return next;
}

function toBacklogSeries(history: MetricsHistory): BacklogSeries | undefined {
  const points = history.points.slice(-SPARKLINE_POINTS);
  const last = points.at(-1);
  if (!last) return undefined;
  return { endMinute: Math.floor(Date.parse(last.minute) / MINUTE_MS) * MINUTE_MS, values: points.map((p) => p.backlog) };
}

export type OpsStore = ReturnType<typeof createOpsStore>;

export const OpsStoreContext = createContext<OpsStore | null>(null);

/** The store itself, for wiring (feeds); components read it through `useOps`. */
export function useOpsStore(): OpsStore {
  const store = useContext(OpsStoreContext);
  if (!store) throw new Error('the screens need an OpsStoreContext provider');
  return store;
}

/** Reads a narrow slice of the store; re-renders only when that slice changes. */
export function useOps<T>(selector: (state: OpsState) => T): T {
  return useStore(useOpsStore(), selector);
}
