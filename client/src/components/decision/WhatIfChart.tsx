/** SLA attainment against cost, one labelled point per scenario: up and to the left is better. */
import { CartesianGrid, LabelList, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScenarioOutcome } from '../../../../contracts/what-if';
import { formatCount, formatPercent } from '../../format';

const COLOURS = ['#79c0ff', '#b392f0', '#56d364', '#f2cc60'];
const GRID_COLOUR = '#263244';
// NOTE: recharts paints tick text with an inline fill, so colours go through props, not CSS.
const MUTED_COLOUR = '#a8b3c2';

export function WhatIfChart({ scenarios }: { scenarios: ScenarioOutcome[] }) {
  // NOTE: points are labelled by number (names run long); the legend below names them.
  const points = scenarios.map((s, i) => ({ name: s.name, label: String(i + 1), cost: s.totals.cost, sla: (s.totals.sla_attainment ?? 0) * 100, index: i }));
  return (
    <figure className="panel what-if-chart" data-testid="what-if-chart">
      <figcaption>SLA attainment against cost, one point per scenario (up and left is better)</figcaption>
      <ScatterChart responsive style={{ width: '100%', height: 280 }} margin={{ top: 16, right: 32, bottom: 8, left: 8 }}>
        <CartesianGrid stroke={GRID_COLOUR} />
        <XAxis type="number" dataKey="cost" name="Cost" domain={['auto', 'auto']} tickFormatter={(v: number) => formatCount(v)} tick={{ fill: MUTED_COLOUR }} height="auto" />
        <YAxis type="number" dataKey="sla" name="SLA attainment" unit="%" domain={[(low: number) => Math.max(0, Math.floor(low - 2)), (high: number) => Math.min(100, Math.ceil(high + 2))]} allowDecimals={false} tick={{ fill: MUTED_COLOUR }} width="auto" />
        <Tooltip
          cursor={false}
          formatter={(value, name) => (name === 'Cost' ? formatCount(Number(value)) : formatPercent(Number(value) / 100))}
          contentStyle={{ background: '#121a24', border: `1px solid ${GRID_COLOUR}`, color: '#eef2f7' }}
        />
        {points.map((p) => (
          <Scatter key={p.name} name={p.name} data={[p]} fill={COLOURS[p.index % COLOURS.length]} isAnimationActive={false}>
            <LabelList dataKey="label" position="top" fill={COLOURS[p.index % COLOURS.length]} />
          </Scatter>
        ))}
      </ScatterChart>
      <ul className="legend">
        {points.map((p) => (
          <li key={p.name}>
            <span className="dot" style={{ background: COLOURS[p.index % COLOURS.length] }} aria-hidden="true" />
            {p.label}. {p.name}: {formatPercent(p.sla / 100)} at a cost of {formatCount(p.cost)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
