/**
 * The client's one store: the latest snapshot and when it arrived, the connection, a clock, and
 * the histories the screens draw (the wall's trend and sparklines, the lead's queue page).
 * Created by a factory and handed down by context, so a test can build its own.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { HistoryPoint, MetricsHistory, MetricsSnapshot } from '../../streams/metrics-snapshot';
import { STALE_AFTER_MS, type ConnectionState } from './format';

/** History kept in memory for the wall's trend: twice the chart's hour, whatever the server sends. */
const HISTORY_POINTS_KEPT = 120;
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
  /** No snapshot for more than STALE_AFTER_MS (or none at all since the screen started). */
  stale: boolean;
  trend: TrendHistory;
  sparklines: Record<string, BacklogSeries>;
  queueHistory: QueueHistory | null;
  catalogue: Catalogue | null;
  /** Why the server refused this token (lead view: shows the sign-in form again). */
  authError: string | null;
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
}

const MINUTE_MS = 60_000;

function initialState(nowMs: number) {
  return {
    now: nowMs,
    startedAt: nowMs,
    connection: { phase: 'connecting', since: nowMs } satisfies ConnectionState as ConnectionState,
    snapshot: null,
    receivedAt: null,
    stale: false,
    trend: { points: [], generatedAt: null, error: null },
    sparklines: {},
    queueHistory: null,
    catalogue: null,
    authError: null,
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
      set({ snapshot, receivedAt, stale: false });
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
  }));
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
