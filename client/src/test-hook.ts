/**
 * A hook for the browser tests' measurements, installed only when the page is opened with
 * `?test`: `window.__occ.applySnapshot(snapshot)` applies a snapshot synchronously (store update,
 * React render and commit, then layout) between performance marks and returns the durations.
 * It injects data into this page's own view and nothing else, so it grants no access.
 */
import { flushSync } from 'react-dom';
import type { MetricsSnapshot } from '../../contracts/metrics-snapshot';
import type { OpsStore } from './store';

export interface ApplyTiming {
  /** Store update, React render and commit, ms. */
  render: number;
  /** The same plus style and layout of the result, ms; null unless asked for. */
  layout: number | null;
}

export interface TestHook {
  /** `layout`: force style and layout at once and time it too (else the browser does it at its next frame). */
  applySnapshot(snapshot: MetricsSnapshot, options?: { layout?: boolean }): ApplyTiming;
}

declare global {
  interface Window {
    __occ?: TestHook;
  }
}

/** Whether the page was opened for a test. */
export function isTestPage(win: Window = window): boolean {
  return new URLSearchParams(win.location.search).has('test');
}

/** Puts `window.__occ` in place for this store. */
export function installTestHook(store: OpsStore, win: Window = window): void {
  win.__occ = {
    applySnapshot(snapshot, options = {}) {
      const perf = win.performance;
      perf.mark('occ:apply:start');
      flushSync(() => store.getState().applySnapshot(snapshot, Date.now()));
      perf.mark('occ:apply:rendered');
      const render = perf.measure('occ:apply:render', 'occ:apply:start', 'occ:apply:rendered').duration;
      let layout: number | null = null;
      if (options.layout) {
        // Reading a layout property forces style and layout now rather than before the next paint.
        void win.document.body.offsetHeight;
        perf.mark('occ:apply:laid-out');
        layout = perf.measure('occ:apply:layout', 'occ:apply:start', 'occ:apply:laid-out').duration;
      }
      // NOTE: the browser keeps every mark until cleared; ten thousand ticks must not pile up.
      perf.clearMarks();
      perf.clearMeasures();
      return { render, layout };
    },
  };
}
