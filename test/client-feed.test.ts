import { describe, expect, it, vi } from 'vitest';
import { takeAccessToken, TOKEN_STORAGE_KEY } from '../client/src/auth';
import { createFrameBuffer } from '../client/src/frame-buffer';
import { createWallStore } from '../client/src/store';

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

describe('createWallStore', () => {
  it('advances the clock only on whole-second changes', () => {
    const store = createWallStore(10_000);
    const seen: number[] = [];
    store.subscribe((state) => seen.push(state.now));
    store.getState().tick(10_250);
    store.getState().tick(10_999);
    store.getState().tick(11_001);
    expect(seen).toEqual([11_001]);
  });

  it('keeps the last good trend when a refresh fails', () => {
    const store = createWallStore(0);
    const point = { minute: '2026-11-26T10:00:00.000Z', arrivals: 1, completions: 0, backlog: 5, wait_p50_seconds: null, wait_p90_seconds: null, sla_attainment: null };
    store.getState().setHistory({ generated_at: '2026-11-26T10:00:30.000Z', queue: '', minutes: 60, points: [point] });
    store.getState().setHistoryError('503 Service Unavailable');
    expect(store.getState().history).toEqual({ points: [point], generatedAt: '2026-11-26T10:00:30.000Z', error: '503 Service Unavailable' });
  });

  it('never holds more than 120 history points', () => {
    const store = createWallStore(0);
    const points = Array.from({ length: 1000 }, (_, i) => ({
      minute: new Date(i * 60_000).toISOString(),
      arrivals: i,
      completions: 0,
      backlog: i,
      wait_p50_seconds: null,
      wait_p90_seconds: null,
      sla_attainment: null,
    }));
    store.getState().setHistory({ generated_at: new Date(1000 * 60_000).toISOString(), queue: '', minutes: 1000, points });
    expect(store.getState().history.points).toHaveLength(120);
    expect(store.getState().history.points[119].arrivals).toBe(999);
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
