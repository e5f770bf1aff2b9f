/** The pieces every queue chart shares: its frame with title and legend, the time axis, the tooltip, the no-data band. */
import type { ReactNode } from 'react';
import { ReferenceArea, XAxis } from 'recharts';
import { dayLabel, isLone } from '../../chart-series';
import { bucketLabel, type RangeKey } from '../../history-buckets';

export const COLOURS = {
  arrivals: '#b392f0',
  completions: '#56d4dd',
  forecast: '#ffa657',
  lastWeek: '#8b96a8',
  backlog: '#79c0ff',
  p50: '#a8b3c2',
  p90: '#f2cc60',
  sla: '#56d364',
  goal: '#ff8e86',
  staffed: '#56d364',
  needed: '#ff8e86',
  grid: '#263244',
  muted: '#a8b3c2',
};

export const chartStyle = { width: '100%', height: '100%' };
export const margin = { top: 8, right: 12, bottom: 0, left: 0 };
export const tick = { fill: COLOURS.muted };

/** A legend key: a solid, dashed or dotted stroke. */
export type LegendKey = [label: string, colour: string, dash?: string];

/** The time axis over [startMs, endMs]: every tick labelled (days as "Mon 23" over 7 days). */
export function timeAxis(range: RangeKey, startMs: number, endMs: number, ticks: number[]) {
  return (
    <XAxis
      dataKey="t"
      type="number"
      scale="time"
      domain={[startMs, endMs]}
      allowDataOverflow
      ticks={ticks}
      interval={0}
      tickFormatter={(t: number) => (range === '7d' ? dayLabel(t) : bucketLabel(t, range))}
      tick={tick}
      tickLine={false}
      axisLine={{ stroke: COLOURS.grid }}
    />
  );
}

/** The band before the first data: shaded and labelled, so a gap never reads as a quiet spell. */
export function noDataBand(startMs: number, firstData: number | null, endMs: number) {
  const until = firstData ?? endMs;
  if (until <= startMs) return null;
  return <ReferenceArea x1={startMs} x2={until} fill={COLOURS.grid} fillOpacity={0.45} ifOverflow="hidden" label={{ value: 'no data', fill: COLOURS.muted, position: 'center' }} className="no-data-band" />;
}

/** A line's dots: only where a value stands alone between gaps (sparse waits), so that it shows at all. */
export function loneDots(values: readonly (number | null)[], colour: string) {
  return function LoneDot(props: { cx?: number; cy?: number; index?: number }) {
    const i = props.index ?? -1;
    if (!isLone(values, i) || props.cx == null || props.cy == null) return <g key={`gap-${i}`} />;
    return <circle key={`dot-${i}`} className="lone-dot" cx={props.cx} cy={props.cy} r={2.5} fill={colour} />;
  };
}

export function tooltip(range: RangeKey) {
  return {
    labelFormatter: (t: unknown) => bucketLabel(Number(t), range),
    contentStyle: { background: '#121a24', border: `1px solid ${COLOURS.grid}`, color: '#eef2f7' },
    isAnimationActive: false,
  };
}

/** A chart's frame: title, legend, an optional note, and the chart itself. */
export function Chart({ title, legend, note, testId, children }: { title: string; legend: LegendKey[]; note?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <figure className="panel chart" data-testid={testId}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {legend.map(([label, colour, dash]) => (
            <span key={label} className="chart-key">
              <svg className="swatch" viewBox="0 0 24 12" aria-hidden="true">
                <path d="M1 6h22" stroke={colour} strokeWidth="4" strokeLinecap={dash ? 'butt' : 'round'} strokeDasharray={dash} />
              </svg>
              {label}
            </span>
          ))}
        </span>
        {note && <span className="chart-note">{note}</span>}
      </figcaption>
      <div className="chart-body">{children}</div>
    </figure>
  );
}
