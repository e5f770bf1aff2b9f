/**
 * A queue over time: arrivals against completions, backlog, wait p50/p90 with the SLA target, and
 * SLA attainment with the goal line. Bucketed for the range (see history-buckets.ts).
 */
import { useMemo, type ReactNode } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { bucketHistory, bucketLabel, durationTicks, RANGES, timeTicks, type RangeKey } from '../../history-buckets';
import { formatCount, formatDuration, formatGoal, formatWait } from '../../format';
import { useOps } from '../../store';

const COLOURS = {
  arrivals: '#b392f0',
  completions: '#56d4dd',
  backlog: '#79c0ff',
  p50: '#a8b3c2',
  p90: '#f2cc60',
  sla: '#56d364',
  goal: '#ff8e86',
  grid: '#263244',
  muted: '#a8b3c2',
};

export function HistoryCharts({ queueId, range }: { queueId: string; range: RangeKey }) {
  const state = useOps((s) => s.queueHistory);
  const queue = useOps((s) => s.snapshot?.queues.find((q) => q.queue === queueId));
  const { bucketMinutes } = RANGES[range];
  const points = useMemo(() => (state?.history ? bucketHistory(state.history.points, bucketMinutes) : []), [state?.history, bucketMinutes]);
  if (!state?.history) {
    return <p className="placeholder panel lead-panel">{state?.error ? `History unavailable (${state.error})` : 'Loading the history…'}</p>;
  }
  const per = bucketMinutes === 1 ? 'per minute' : `per ${bucketMinutes} min`;
  const peak = bucketMinutes === 1 ? '' : ', peak minute';
  const mean = bucketMinutes === 1 ? '' : ', mean of minutes';
  const end = Date.parse(state.history.generated_at);
  const x = xAxis(range, timeTicks(end - RANGES[range].minutes * 60_000, end, range));
  const waitTicks = durationTicks(Math.max(queue?.sla_target_seconds ?? 0, ...points.map((p) => p.waitP90 ?? 0)));
  return (
    <section className="charts" aria-label="History" data-testid="history-charts">
      {state.error && <p className="trend-error">History not refreshing: {state.error}</p>}
      <Chart title={`Arrivals and completions, ${per}`} legend={[['Arrivals', COLOURS.arrivals], ['Completions', COLOURS.completions]]}>
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" allowDecimals={false} tick={tick} tickLine={false} axisLine={false} tickFormatter={count} />
          <Tooltip {...tooltip(range)} formatter={(v) => count(Number(v))} />
          <Line dataKey="arrivals" name="Arrivals" stroke={COLOURS.arrivals} strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line dataKey="completions" name="Completions" stroke={COLOURS.completions} strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
      <Chart title="Backlog at the end of each interval" legend={[['Backlog', COLOURS.backlog]]}>
        <AreaChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" allowDecimals={false} tick={tick} tickLine={false} axisLine={false} tickFormatter={count} />
          <Tooltip {...tooltip(range)} formatter={(v) => count(Number(v))} />
          <Area dataKey="backlog" name="Backlog" stroke={COLOURS.backlog} fill={COLOURS.backlog} fillOpacity={0.18} strokeWidth={2} isAnimationActive={false} />
        </AreaChart>
      </Chart>
      <Chart title={`Wait p50 and p90${peak}`} legend={[['p50', COLOURS.p50], ['p90', COLOURS.p90], [`SLA target${queue ? ` ${formatDuration(queue.sla_target_seconds)}` : ''}`, COLOURS.goal]]}>
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" domain={[0, waitTicks.at(-1)!]} ticks={waitTicks} tick={tick} tickLine={false} axisLine={false} tickFormatter={(v: number) => formatWait(v)} />
          <Tooltip {...tooltip(range)} formatter={(v) => duration(Number(v))} />
          {queue && <ReferenceLine y={queue.sla_target_seconds} stroke={COLOURS.goal} strokeDasharray="6 4" strokeWidth={2} />}
          <Line dataKey="waitP50" name="p50" stroke={COLOURS.p50} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="waitP90" name="p90" stroke={COLOURS.p90} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
      <Chart title={`SLA attainment${mean}`} legend={[['Attainment', COLOURS.sla], [`Goal${queue ? ` ${formatGoal(queue.sla_goal)}` : ''}`, COLOURS.goal]]}>
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tick={tick} tickLine={false} axisLine={false} tickFormatter={(v: number) => `${v}%`} />
          <Tooltip {...tooltip(range)} formatter={(v) => `${Math.floor(Number(v))}%`} />
          {queue && <ReferenceLine y={queue.sla_goal * 100} stroke={COLOURS.goal} strokeDasharray="6 4" strokeWidth={2} />}
          <Line dataKey="slaPercent" name="Attainment" stroke={COLOURS.sla} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </Chart>
    </section>
  );
}

const chartStyle = { width: '100%', height: '100%' };
const margin = { top: 8, right: 12, bottom: 0, left: 0 };
const tick = { fill: COLOURS.muted };
const count = (v: number): string => formatCount(v);
const duration = (v: number): string => formatDuration(v);

function xAxis(range: RangeKey, ticks: number[]) {
  return (
    <XAxis
      dataKey="t"
      type="number"
      scale="time"
      domain={['dataMin', 'dataMax']}
      ticks={ticks}
      tickFormatter={(t: number) => bucketLabel(t, range)}
      tick={tick}
      tickLine={false}
      axisLine={{ stroke: COLOURS.grid }}
      minTickGap={24}
    />
  );
}

function tooltip(range: RangeKey) {
  return {
    labelFormatter: (t: unknown) => bucketLabel(Number(t), range),
    contentStyle: { background: '#121a24', border: `1px solid ${COLOURS.grid}`, color: '#eef2f7' },
    isAnimationActive: false,
  };
}

function Chart({ title, legend, children }: { title: string; legend: [string, string][]; children: ReactNode }) {
  return (
    <figure className="panel chart">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {legend.map(([label, colour]) => (
            <span key={label} className="chart-key">
              <svg className="swatch" viewBox="0 0 24 12" aria-hidden="true">
                <path d="M1 6h22" stroke={colour} strokeWidth="4" strokeLinecap="round" />
              </svg>
              {label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-body">{children}</div>
    </figure>
  );
}

