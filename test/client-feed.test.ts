import { describe, expect, it, vi } from 'vitest';
import { takeAccessToken, TOKEN_STORAGE_KEY } from '../client/src/auth';
import { createFrameBuffer } from '../client/src/frame-buffer';
import { createOpsStore } from '../client/src/store';

function fakeFrames() {
  const queued = new Map<number, () => void>();
  let next = 1;
  return {
    schedule: (callback: () => void) => {
      queued.set(next, callback);
      return next++;
    },
    unschedule: (handle: number) => queued.delete(handle),
    runFrame() {
      const callbacks = [...queued.values()];
      queued.clear();
      callbacks.forEach((callback) => callback());
    },
    get pending() {
      return queued.size;
    },
  };
}

describe('createFrameBuffer', () => {
  it('applies only the latest of a burst, once, on the next frame', () => {
    const frames = fakeFrames();
    const apply = vi.fn();
    const buffer = createFrameBuffer<number>(apply, frames.schedule, frames.unschedule);
    buffer.push(1);
    buffer.push(2);
    buffer.push(3);
    expect(frames.pending).toBe(1);
    expect(apply).not.toHaveBeenCalled();
    frames.runFrame();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith(3);
  });

  it('schedules again after a flush, and drops what is pending on cancel', () => {
    const frames = fakeFrames();
    const apply = vi.fn();
    const buffer = createFrameBuffer<number>(apply, frames.schedule, frames.unschedule);
    buffer.push(1);
    frames.runFrame();
    buffer.push(2);
    expect(frames.pending).toBe(1);
    buffer.cancel();
    expect(frames.pending).toBe(0);
    frames.runFrame();
    expect(apply.mock.calls).toEqual([[1]]);
  });
});

describe('createOpsStore', () => {
  const point = (i: number) => ({
    minute: new Date(i * 60_000).toISOString(),
    arrivals: i,
    completions: 0,
    backlog: i,
    wait_p50_seconds: null,
    wait_p90_seconds: null,
    sla_attainment: null,
  });
  const snapshot = (at: number) => ({ generated_at: new Date(at).toISOString(), window_minutes: 60, queues: [], totals: {} as never });

  it('advances the clock only on whole-second changes', () => {
    const store = createOpsStore(10_000);
    const seen: number[] = [];
    store.subscribe((state) => seen.push(state.now));
    store.getState().tick(10_250);
    store.getState().tick(10_999);
    store.getState().tick(11_001);
    expect(seen).toEqual([11_001]);
  });

  it('turns stale more than 5 s after the last snapshot arrived, between whole seconds too', () => {
    const store = createOpsStore(0);
    store.getState().applySnapshot(snapshot(0), 1_200);
    store.getState().tick(6_200);
    expect(store.getState().stale).toBe(false);
    store.getState().tick(6_450);
    expect(store.getState().stale).toBe(true);
    store.getState().applySnapshot(snapshot(6_500), 6_500);
    expect(store.getState().stale).toBe(false);
  });

  it("keeps the product's clock: the offset of generated_at from arrival, to the second, while ages stay local", () => {
    const store = createOpsStore(0);
    expect(store.getState().clockOffsetMs).toBe(0);
    // A demo product whose clock runs 3 h ahead of the screen's.
    const ahead = 3 * 3600_000;
    store.getState().applySnapshot(snapshot(10_000 + ahead), 10_140);
    expect(store.getState().clockOffsetMs).toBe(ahead);
    expect(store.getState().receivedAt).toBe(10_140);
    store.getState().tick(14_000);
    expect(store.getState().stale).toBe(false);
  });

  it('is stale 5 s after start when no snapshot ever came', () => {
    const store = createOpsStore(1_000);
    store.getState().tick(6_000);
    expect(store.getState().stale).toBe(false);
    store.getState().tick(6_250);
    expect(store.getState().stale).toBe(true);
  });

  it('keeps the last good trend when a refresh fails', () => {
    const store = createOpsStore(0);
    store.getState().setTrend({ generated_at: '2026-11-26T10:00:30.000Z', queue: '', minutes: 60, points: [point(1)] });
    store.getState().setTrendError('503 Service Unavailable');
    expect(store.getState().trend).toEqual({ points: [point(1)], generatedAt: '2026-11-26T10:00:30.000Z', error: '503 Service Unavailable' });
  });

  it('never holds more than 120 trend points', () => {
    const store = createOpsStore(0);
    const points = Array.from({ length: 1000 }, (_, i) => point(i));
    store.getState().setTrend({ generated_at: new Date(1000 * 60_000).toISOString(), queue: '', minutes: 1000, points });
    expect(store.getState().trend.points).toHaveLength(120);
    expect(store.getState().trend.points[119].arrivals).toBe(999);
  });

  it('keeps sparklines for the queues asked for only, at most 60 points each, the old one when a load failed', () => {
    const store = createOpsStore(0);
    const history = (n: number) => ({ generated_at: new Date(n * 60_000).toISOString(), queue: 'q', minutes: n, points: Array.from({ length: n }, (_, i) => point(i)) });
    store.getState().setSparklines(new Map([['a', history(100)], ['b', history(3)]]));
    expect(store.getState().sparklines.a.values).toHaveLength(60);
    expect(store.getState().sparklines.a.values[59]).toBe(99);
    expect(store.getState().sparklines.a.endMinute).toBe(99 * 60_000);
    store.getState().setSparklines(new Map([['a', null], ['c', history(2)]]));
    expect(Object.keys(store.getState().sparklines).sort()).toEqual(['a', 'c']);
    expect(store.getState().sparklines.a.values).toHaveLength(60);
  });

  it('starts a screen afresh on reset', () => {
    const store = createOpsStore(0);
    store.getState().applySnapshot(snapshot(0), 0);
    store.getState().setAuthError('nope');
    store.getState().reset(5_000);
    expect(store.getState()).toMatchObject({ snapshot: null, receivedAt: null, authError: null, now: 5_000, startedAt: 5_000, stale: false });
  });
});

describe('takeAccessToken', () => {
  function fakeWindow(hash: string, stored: string | null = null) {
    const storage = new Map<string, string>(stored === null ? [] : [[TOKEN_STORAGE_KEY, stored]]);
    const replaced: string[] = [];
    const win = {
      location: { hash, pathname: '/wall', search: '?screen=2' },
      history: { state: null, replaceState: (_state: unknown, _title: string, url: string) => replaced.push(url) },
      localStorage: {
        getItem: (key: string) => storage.get(key) ?? null,
        setItem: (key: string, value: string) => storage.set(key, value),
      },
    };
    return { win: win as unknown as Window, storage, replaced };
  }

  it('stores a token from the fragment and removes it from the address bar', () => {
    const { win, storage, replaced } = fakeWindow('#token=s3cret&x=1', 'old');
    expect(takeAccessToken(win)).toBe('s3cret');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cret');
    expect(replaced).toEqual(['/wall?screen=2#x=1']);
  });

  it('falls back to the stored token and leaves the address bar alone', () => {
    const { win, replaced } = fakeWindow('', 'stored');
    expect(takeAccessToken(win)).toBe('stored');
    expect(replaced).toEqual([]);
  });

  it('runs open with no token anywhere', () => {
    expect(takeAccessToken(fakeWindow('').win)).toBeNull();
  });
});
