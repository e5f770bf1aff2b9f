/** The backlog of one queue over the last hour, minute by minute, ending with the live value. */
import { useMemo } from 'react';
import { SPARKLINE_POINTS, type BacklogSeries } from '../store';

const MINUTE_MS = 60_000;
const WIDTH = 100;
const HEIGHT = 30;

/**
 * The series with the live backlog as its last point: it replaces the current minute's point, or
 * follows it once a new minute has begun since the history was loaded (the window keeps its length).
 */
export function withLiveValue(series: BacklogSeries | undefined, live: number, liveAtMs: number): number[] {
  if (!series || series.values.length === 0) return [live];
  const liveMinute = Math.floor(liveAtMs / MINUTE_MS) * MINUTE_MS;
  if (liveMinute <= series.endMinute) return [...series.values.slice(0, -1), live];
  return [...series.values, live].slice(-SPARKLINE_POINTS);
}

/** SVG points for `values` in a WIDTH x HEIGHT box, the lowest at the bottom and the highest at the top. */
export function sparklinePoints(values: readonly number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  return values
    .map((v, i) => `${(i * step).toFixed(2)},${(HEIGHT - 1 - (v / max) * (HEIGHT - 2)).toFixed(2)}`)
    .join(' ');
}

export function Sparkline({ series, live, liveAt }: { series: BacklogSeries | undefined; live: number; liveAt: string }) {
  const points = useMemo(() => sparklinePoints(withLiveValue(series, live, Date.parse(liveAt))), [series, live, liveAt]);
  if (!series) return <span className="sparkline sparkline-empty" aria-hidden="true" />;
  return (
    <svg className="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
      <polygon points={`0,${HEIGHT} ${points} ${WIDTH},${HEIGHT}`} className="sparkline-area" />
      <polyline points={points} className="sparkline-line" />
    </svg>
  );
}
