/**
 * A load that runs now, then every `everyMs`, never two at a time, and stops for good on `stop`
 * (aborting the one in flight). The screens' HTTP reads all go through one.
 */
export interface Poller {
  /** Loads now; during a load, once more when it ends (what it loads may have changed). */
  refresh(): void;
  stop(): void;
}

/** Starts polling `load`; a failure is `load`'s to report, the poller just tries again later. */
export function startPoller(load: (signal: AbortSignal) => Promise<void>, everyMs: number): Poller {
  const controller = new AbortController();
  let inFlight = false;
  let again = false;
  const run = (): void => {
    if (controller.signal.aborted) return;
    if (inFlight) return;
    inFlight = true;
    load(controller.signal)
      .catch(() => {})
      .finally(() => {
        inFlight = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  run();
  const timer = setInterval(run, everyMs);
  return {
    refresh() {
      if (inFlight) again = true;
      else run();
    },
    stop() {
      clearInterval(timer);
      controller.abort();
    },
  };
}

/** The message of whatever a failed load threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
