/**
 * A queue over time: arrivals against completions with the alerting's forecast and the same time
 * last week, staffed agents against agents needed, backlog (and last week's), wait p50/p90 on an
 * axis scaled to the waits, and SLA attainment with the goal line. Bucketed for the range
 * (history-buckets.ts); before the first data the charts show a labelled gap, never zeros.
 */
import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, YAxis } from 'recharts';
import { forecastPerBucket, markNoData, staffingPoints, waitScale, withLastWeek } from '../../chart-series';
import { bucketHistory, bucketLabel, RANGES, timeTicks, type RangeKey } from '../../history-buckets';
import { formatCount, formatDuration, formatGoal, formatWait } from '../../format';
import { useOps, type QueueHistory } from '../../store';
import { Chart, chartStyle, COLOURS, loneDots, margin, noDataBand, tick, timeAxis, tooltip, type LegendKey } from './chart-parts';

const DASH_LAST_WEEK = '6 4';
const DASH_FORECAST = '2 3';

export function HistoryCharts({ queueId, range }: { queueId: string; range: RangeKey }) {
  const state = useOps((s) => s.queueHistory);
  const queue = useOps((s) => s.snapshot?.queues.find((q) => q.queue === queueId));
  const { bucketMinutes } = RANGES[range];
  const view = useMemo(() => (state?.history ? chartView(state, bucketMinutes) : null), [state, bucketMinutes]);
  if (!state?.history || !view) {
    return <p className="placeholder panel lead-panel">{state?.error ? `History unavailable (${state.error})` : 'Loading the history…'}</p>;
  }
  const { points, firstData, staffing, startMs, endMs, hasLastWeek, hasForecast } = view;
  const per = bucketMinutes === 1 ? 'per minute' : `per ${bucketMinutes} min`;
  const peak = bucketMinutes === 1 ? '' : ', peak minute';
  const mean = bucketMinutes === 1 ? '' : ', mean of minutes';
  const x = timeAxis(range, startMs, endMs, timeTicks(startMs, endMs, range));
  const band = noDataBand(startMs, firstData, endMs);
  const waits = waitScale(points.map((p) => p.waitP90), queue?.sla_target_seconds);
  const lastWeekKey: LegendKey = [hasLastWeek ? 'Same time last week' : 'Last week: no data', COLOURS.lastWeek, DASH_LAST_WEEK];
  const line = { strokeWidth: 2, dot: false, connectNulls: false, isAnimationActive: false } as const;
  const dots = (key: 'forecast' | 'lastWeekArrivals' | 'waitP50' | 'waitP90' | 'slaPercent', colour: string) => loneDots(points.map((p) => p[key]), colour);
  const countAxis = <YAxis width="auto" allowDecimals={false} tick={tick} tickLine={false} axisLine={false} tickFormatter={count} />;
  return (
    <section className="charts" aria-label="History" data-testid="history-charts">
      {state.error && <p className="trend-error">History not refreshing: {state.error}</p>}
      {firstData !== startMs && (
        <p className="no-data-note" data-testid="no-data-note">
          {firstData === null ? 'No data in this range yet.' : `No data before ${bucketLabel(firstData, range === '7d' ? '7d' : '1h')}: the charts leave that part empty.`}
        </p>
      )}
      <Chart
        testId="chart-arrivals"
        title={`Arrivals and completions, ${per}`}
        legend={[['Arrivals', COLOURS.arrivals], ['Completions', COLOURS.completions], ...(hasForecast ? [['Forecast', COLOURS.forecast, DASH_FORECAST] as LegendKey] : []), lastWeekKey]}
      >
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          {countAxis}
          {band}
          <Tooltip {...tooltip(range)} formatter={(v) => count(Number(v))} />
          <Line dataKey="arrivals" name="Arrivals" className="line-arrivals" stroke={COLOURS.arrivals} {...line} />
          <Line dataKey="completions" name="Completions" stroke={COLOURS.completions} {...line} />
          {/* NOTE: the overlays come last, so a forecast that matches the arrivals still shows over them. */}
          <Line dataKey="lastWeekArrivals" name="Last week" className="line-last-week" stroke={COLOURS.lastWeek} strokeDasharray={DASH_LAST_WEEK} {...line} strokeWidth={1.5} dot={dots('lastWeekArrivals', COLOURS.lastWeek)} />
          <Line dataKey="forecast" name="Forecast" className="line-forecast" stroke={COLOURS.forecast} strokeDasharray={DASH_FORECAST} {...line} dot={dots('forecast', COLOURS.forecast)} />
        </LineChart>
      </Chart>
      <Chart
        testId="chart-staffing"
        title="Agents staffed against agents needed (Erlang C on the forecast)"
        legend={[['Staffed', COLOURS.staffed], ['Needed', COLOURS.needed, DASH_LAST_WEEK]]}
        note={staffing ? undefined : 'no forecast from this server'}
      >
        <LineChart data={staffing ?? []} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          {countAxis}
          <Tooltip {...tooltip(range)} formatter={(v) => count(Number(v))} />
          <Line dataKey="staffed" name="Staffed" className="line-staffed" type="stepAfter" stroke={COLOURS.staffed} {...line} />
          <Line dataKey="needed" name="Needed" className="line-needed" type="stepAfter" stroke={COLOURS.needed} strokeDasharray={DASH_LAST_WEEK} {...line} />
        </LineChart>
      </Chart>
      <Chart testId="chart-backlog" title="Backlog at the end of each interval" legend={[['Backlog', COLOURS.backlog], lastWeekKey]}>
        <AreaChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          {countAxis}
          {band}
          <Tooltip {...tooltip(range)} formatter={(v) => count(Number(v))} />
          <Area dataKey="backlog" name="Backlog" stroke={COLOURS.backlog} fill={COLOURS.backlog} fillOpacity={0.18} strokeWidth={2} connectNulls={false} isAnimationActive={false} />
          <Area dataKey="lastWeekBacklog" name="Last week" stroke={COLOURS.lastWeek} strokeDasharray={DASH_LAST_WEEK} fill="none" strokeWidth={1.5} connectNulls={false} isAnimationActive={false} />
        </AreaChart>
      </Chart>
      <Chart
        testId="chart-waits"
        title={`Wait p50 and p90${peak}`}
        legend={[['p50', COLOURS.p50], ['p90', COLOURS.p90], ...(queue && waits.targetOnScale ? [[`SLA target ${formatDuration(queue.sla_target_seconds)}`, COLOURS.goal, '6 4'] as LegendKey] : [])]}
        note={queue && !waits.targetOnScale ? `target ${formatDuration(queue.sla_target_seconds)}, off the scale` : undefined}
      >
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" domain={[0, waits.ticks.at(-1)!]} ticks={waits.ticks} tick={tick} tickLine={false} axisLine={false} tickFormatter={(v: number) => formatWait(v)} />
          {band}
          <Tooltip {...tooltip(range)} formatter={(v) => formatDuration(Number(v))} />
          {queue && waits.targetOnScale && <ReferenceLine y={queue.sla_target_seconds} stroke={COLOURS.goal} strokeDasharray="6 4" strokeWidth={2} />}
          <Line dataKey="waitP50" name="p50" stroke={COLOURS.p50} {...line} dot={dots('waitP50', COLOURS.p50)} />
          <Line dataKey="waitP90" name="p90" stroke={COLOURS.p90} {...line} dot={dots('waitP90', COLOURS.p90)} />
        </LineChart>
      </Chart>
      <Chart testId="chart-sla" title={`SLA attainment${mean}`} legend={[['Attainment', COLOURS.sla], [`Goal${queue ? ` ${formatGoal(queue.sla_goal)}` : ''}`, COLOURS.goal, '6 4']]}>
        <LineChart data={points} responsive style={chartStyle} margin={margin}>
          <CartesianGrid stroke={COLOURS.grid} vertical={false} />
          {x}
          <YAxis width="auto" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tick={tick} tickLine={false} axisLine={false} tickFormatter={(v: number) => `${v}%`} />
          {band}
          <Tooltip {...tooltip(range)} formatter={(v) => `${Math.floor(Number(v))}%`} />
          {queue && <ReferenceLine y={queue.sla_goal * 100} stroke={COLOURS.goal} strokeDasharray="6 4" strokeWidth={2} />}
          <Line dataKey="slaPercent" name="Attainment" stroke={COLOURS.sla} {...line} dot={dots('slaPercent', COLOURS.sla)} />
        </LineChart>
      </Chart>
    </section>
  );
}

const count = (v: number): string => formatCount(v);

/** Everything the charts draw for one answer, computed once per answer and range. */
function chartView(state: QueueHistory, bucketMinutes: number) {
  const history = state.history!;
  const endMs = Date.parse(history.generated_at);
  const own = markNoData(bucketHistory(history.points, bucketMinutes));
  const lastWeek = state.lastWeek ? markNoData(bucketHistory(state.lastWeek.points, bucketMinutes)).points : [];
  let points = withLastWeek(own.points, lastWeek);
  const forecast = state.forecast;
  if (forecast) {
    const perBucket = forecastPerBucket(forecast.intervals, forecast.interval_minutes, points.map((p) => p.t), bucketMinutes);
    points = points.map((p, i) => ({ ...p, forecast: perBucket[i] }));
  }
  const startMs = points[0]?.t ?? endMs - history.minutes * 60_000;
  return {
    points,
    firstData: own.firstData,
    startMs,
    endMs,
    staffing: forecast ? staffingPoints(forecast.intervals, endMs) : null,
    hasLastWeek: points.some((p) => p.lastWeekArrivals !== null),
    hasForecast: points.some((p) => p.forecast !== null),
  };
}
