/**
 * A partner's trend on the scorecard as a small line: one value per hour or day of the range,
 * gaps where there was nothing to measure. Screen readers get a sentence instead of the drawing.
 */
import { Line, LineChart, YAxis } from 'recharts';
import type { TrendPoint } from '../../../../contracts/scorecard';

const WIDTH = 132;
const HEIGHT = 30;

/** The sentence a screen reader hears: how many buckets had a value, the lowest, highest and latest. */
export function trendSummary(label: string, unit: 'hour' | 'day', values: readonly (number | null)[], format: (v: number) => string): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return `${label} per ${unit}: nothing to measure in this range`;
  const latest = known[known.length - 1];
  return `${label} per ${unit}: ${known.length} of ${values.length} ${unit}s measured, lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))}, latest ${format(latest)}`;
}

export function TrendSparkline(props: {
  points: readonly TrendPoint[];
  field: 'sla_attainment' | 'answer_seconds_p50';
  label: string;
  unit: 'hour' | 'day';
  format: (v: number) => string;
  colour: string;
}) {
  const { points, field, label, unit, format, colour } = props;
  const data = points.map((p) => ({ from: p.from, value: p[field] }));
  const summary = trendSummary(label, unit, data.map((d) => d.value), format);
  return (
    <figure className="trend-spark" role="img" aria-label={summary} title={summary} data-testid={`trend-${field}`}>
      <span className="trend-spark-label" aria-hidden="true">
        {label}
      </span>
      <LineChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 3, right: 3, bottom: 3, left: 3 }} accessibilityLayer={false}>
        {/* NOTE: SLA on a fixed 0-100 % scale so rows compare; answer time from 0 to its own top. */}
        <YAxis hide domain={field === 'sla_attainment' ? [0, 1] : [0, 'auto']} />
        {/* NOTE: dots, because a bucket between two empty ones is a point with no line to draw. */}
        <Line type="linear" dataKey="value" stroke={colour} strokeWidth={1.5} dot={{ r: 1.5, fill: colour, strokeWidth: 0 }} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </figure>
  );
}
