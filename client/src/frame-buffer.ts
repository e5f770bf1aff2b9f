/**
 * Keeps only the latest value pushed and hands it on at most once per animation frame, so a
 * burst of snapshots (a reconnect, a slow tab) costs one render, not one per message.
 */
export interface FrameBuffer<T> {
  push(value: T): void;
  cancel(): void;
}

type Schedule = (callback: () => void) => number;
type Unschedule = (handle: number) => void;

/** A latest-value buffer flushed on the next frame (`requestAnimationFrame` unless given). */
export function createFrameBuffer<T>(
  apply: (value: T) => void,
  schedule: Schedule = (callback) => requestAnimationFrame(callback),
  unschedule: Unschedule = (handle) => cancelAnimationFrame(handle),
): FrameBuffer<T> {
  let pending: { value: T } | null = null;
  let handle: number | null = null;
  const flush = (): void => {
    handle = null;
    const latest = pending;
    pending = null;
    if (latest) apply(latest.value);
  };
  return {
    push(value) {
      // TRICKY: browsers pause animation frames in hidden tabs; holding one value keeps that bounded.
      pending = { value };
      if (handle === null) handle = schedule(flush);
    },
    cancel() {
      if (handle !== null) unschedule(handle);
      handle = null;
      pending = null;
    },
  };
}
