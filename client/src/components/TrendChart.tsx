/** Backlog (line) and arrivals per minute (bars), all queues combined, over the last hour. */
import { useMemo } from 'react';
import { Bar, CartesianGrid, ComposedChart, Line, XAxis, YAxis } from 'recharts';
import { buildTrend, formatCount, trendTicks, type TrendPoint } from '../format';
import { useOps } from '../store';
import { TREND_MINUTES } from '../wall-feed';

const BACKLOG_COLOUR = '#79c0ff';
const ARRIVALS_COLOUR = '#b392f0';
const GRID_COLOUR = '#263244';
// NOTE: recharts paints tick text with an inline fill, so colours go through props, not CSS.
const MUTED_COLOUR = '#a8b3c2';
// NOTE: the chart is about four lines of tick labels tall (18% of the wall at any size): five
// ticks a side, recharts' default, drew their labels over each other; three keep a line apart.
const TICKS_PER_AXIS = 3;

export function TrendChart() {
  const history = useOps((s) => s.trend);
  const trend = useMemo(
    () => (history.generatedAt ? buildTrend(history.points, Date.parse(history.generatedAt), TREND_MINUTES) : []),
    [history],
  );
  const ticks = useMemo(() => trendTicks(trend, 10), [trend]);
  const latestBacklog = lastValue(trend, 'backlog');
  // The last slot is the current, partial minute; the one before it is the last whole minute.
  const lastFullArrivals = trend.length >= 2 ? trend[trend.length - 2].arrivals : null;

  return (
    <section className="panel trend" aria-label={`Trend, all queues, last ${TREND_MINUTES} minutes`}>
      <header className="trend-head">
        <h2>All queues · last {TREND_MINUTES} minutes</h2>
        <ul className="legend">
          <li>
            <svg className="swatch" viewBox="0 0 24 12" aria-hidden="true">
              <path d="M1 6h22" stroke={BACKLOG_COLOUR} strokeWidth="4" strokeLinecap="round" />
            </svg>
            Backlog <span className="legend-value num">{formatCount(latestBacklog)}</span>
            <span className="legend-axis">left axis</span>
          </li>
          <li>
            <svg className="swatch" viewBox="0 0 24 12" aria-hidden="true">
              <rect x="4" y="0" width="6" height="12" fill={ARRIVALS_COLOUR} />
              <rect x="14" y="4" width="6" height="8" fill={ARRIVALS_COLOUR} />
            </svg>
            Arrivals per minute <span className="legend-value num">{formatCount(lastFullArrivals)}</span>
            <span className="legend-axis">right axis</span>
          </li>
        </ul>
        {history.error && trend.length > 0 && <span className="trend-error">Trend not refreshing: {history.error}</span>}
      </header>
      <div className="trend-body">
        {trend.length === 0 ? (
          <p className="placeholder">{history.error ? `Trend unavailable (${history.error})` : 'Loading the trend…'}</p>
        ) : (
          <ComposedChart data={trend} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 12, right: 4, bottom: 0, left: 4 }}>
            <CartesianGrid stroke={GRID_COLOUR} vertical={false} />
            <XAxis
              dataKey="label"
              ticks={ticks}
              interval={0}
              height="auto"
              tick={{ fill: MUTED_COLOUR }}
              tickLine={false}
              axisLine={{ stroke: GRID_COLOUR }}
            />
            <YAxis
              yAxisId="backlog"
              orientation="left"
              width="auto"
              interval={0}
              tickCount={TICKS_PER_AXIS}
              allowDecimals={false}
              tickFormatter={(v: number) => formatCount(v)}
              tickLine={false}
              axisLine={false}
              tick={{ fill: BACKLOG_COLOUR }}
            />
            <YAxis
              yAxisId="arrivals"
              orientation="right"
              width="auto"
              interval={0}
              tickCount={TICKS_PER_AXIS}
              allowDecimals={false}
              tickFormatter={(v: number) => formatCount(v)}
              tickLine={false}
              axisLine={false}
              tick={{ fill: ARRIVALS_COLOUR }}
            />
            <Bar yAxisId="arrivals" dataKey="arrivals" fill={ARRIVALS_COLOUR} fillOpacity={0.7} isAnimationActive={false} />
            <Line
              yAxisId="backlog"
              dataKey="backlog"
              type="monotone"
              stroke={BACKLOG_COLOUR}
              strokeWidth={4}
              dot={false}
              activeDot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          </ComposedChart>
        )}
      </div>
    </section>
  );
}

function lastValue(trend: readonly TrendPoint[], key: 'backlog' | 'arrivals'): number | null {
  for (let i = trend.length - 1; i >= 0; i--) {
    const value = trend[i][key];
    if (value !== null) return value;
  }
  return null;
}
