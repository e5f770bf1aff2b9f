/**
 * The wall's one store: the latest snapshot, the trend history, the connection and a one-second
 * clock. Created by a factory and handed down by context, so a test can build its own.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { HistoryPoint, MetricsHistory, MetricsSnapshot } from '../../streams/metrics-snapshot';
import type { ConnectionState } from './format';

/** History kept in memory: twice the chart's hour, whatever the server sends. */
const HISTORY_POINTS_KEPT = 120;

export interface TrendHistory {
  points: HistoryPoint[];
  /** The server's `generated_at` of the last successful load; null before it. */
  generatedAt: string | null;
  /** Why the last load failed; null after a success. */
  error: string | null;
}

export interface WallState {
  /** Local clock, epoch ms, advanced once a second. */
  now: number;
  /** When the page started, epoch ms. */
  startedAt: number;
  connection: ConnectionState;
  snapshot: MetricsSnapshot | null;
  history: TrendHistory;
  tick(nowMs: number): void;
  setConnection(connection: ConnectionState): void;
  applySnapshot(snapshot: MetricsSnapshot): void;
  setHistory(history: MetricsHistory): void;
  setHistoryError(message: string): void;
}

/** A fresh wall store; `nowMs` fixes its clock's start (tests). */
export function createWallStore(nowMs: number = Date.now()) {
  return createStore<WallState>()((set, get) => ({
    now: nowMs,
    startedAt: nowMs,
    connection: { phase: 'connecting', since: nowMs },
    snapshot: null,
    history: { points: [], generatedAt: null, error: null },
    tick(next) {
      // Only whole-second changes re-render the clock and the age.
      if (Math.floor(next / 1000) !== Math.floor(get().now / 1000)) set({ now: next });
    },
    setConnection(connection) {
      set({ connection });
    },
    applySnapshot(snapshot) {
      set({ snapshot });
    },
    setHistory(history) {
      set({
        history: {
          points: history.points.slice(-HISTORY_POINTS_KEPT),
          generatedAt: history.generated_at,
          error: null,
        },
      });
    },
    setHistoryError(message) {
      // Keep the last good series on screen; only say that it is not refreshing.
      set((state) => ({ history: { ...state.history, error: message } }));
    },
  }));
}

export type WallStore = ReturnType<typeof createWallStore>;

export const WallStoreContext = createContext<WallStore | null>(null);

/** The store itself, for wiring (feeds); components read it through `useWall`. */
export function useWallStore(): WallStore {
  const store = useContext(WallStoreContext);
  if (!store) throw new Error('the wall needs a WallStoreContext provider');
  return store;
}

/** Reads a narrow slice of the wall store; re-renders only when that slice changes. */
export function useWall<T>(selector: (state: WallState) => T): T {
  return useStore(useWallStore(), selector);
}
