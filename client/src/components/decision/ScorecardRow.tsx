/** One partner's row of the scorecard: every field of SPEC 11, formatted as the lead view does. */
import type { PartnerScore } from '../../../../contracts/scorecard';
import { formatCount, formatDuration, formatPercent } from '../../format';
import { TrendSparkline } from './TrendSparkline';

/** "accepted 2" etc.: the request states in the order the API gives them, `no_answer` named as a lead says it. */
const REQUEST_FIELDS = [
  ['accepted', 'accepted'],
  ['partial', 'partial'],
  ['declined', 'declined'],
  ['no_answer', 'silent'],
  ['undeliverable', 'undeliverable'],
] as const;

/** The text of one field as the row shows it (tests read the page against the API through this). */
export function scorecardCells(p: PartnerScore): Record<string, string> {
  const answered = p.requests.accepted + p.requests.partial + p.requests.declined;
  return {
    share_of_starts: formatPercent(p.share_of_starts),
    sla_attainment: formatPercent(p.sla_attainment),
    inhouse_sla_attainment: formatPercent(p.inhouse_sla_attainment),
    wait_p90_seconds: formatDuration(p.wait_p90_seconds),
    requests_total: formatCount(p.requests.total),
    requests_answered: formatCount(answered),
    ...Object.fromEntries(REQUEST_FIELDS.map(([key]) => [`requests_${key}`, formatCount(p.requests[key])])),
    acceptance_rate: formatPercent(p.acceptance_rate),
    answer_seconds_p50: formatDuration(p.answer_seconds_p50),
    answer_seconds_p90: formatDuration(p.answer_seconds_p90),
    agents_committed: formatCount(p.agents_committed),
    agents_requested: formatCount(p.agents_requested),
    cost: formatCount(p.cost),
  };
}

export function ScorecardRow(props: { score: PartnerScore; trendUnit: 'hour' | 'day'; showCost: boolean; expanded: boolean; onToggle: () => void }) {
  const { score: p, trendUnit, showCost, expanded, onToggle } = props;
  const cells = scorecardCells(p);
  const f = (field: string) => (
    <span className="num" data-field={field}>
      {cells[field]}
    </span>
  );
  return (
    <tr data-team={p.team}>
      <th scope="row">
        <span className="partner-name">{p.name}</span>
        <span className="partner-queues" data-field="queues">
          {p.queues.join(', ')}
        </span>
      </th>
      <td title="share of the first starts on its queues">{f('share_of_starts')}</td>
      <td>
        {f('sla_attainment')} <span className="vs">vs in-house</span> {f('inhouse_sla_attainment')}
      </td>
      <td>{f('wait_p90_seconds')}</td>
      <td>
        <span className="request-total">
          {f('requests_total')} sent, {f('requests_answered')} answered
        </span>
        <span className="request-states">
          {REQUEST_FIELDS.map(([key, label]) => (
            <span key={key} className={`request-state state-${key}`}>
              {label} {f(`requests_${key}`)}
            </span>
          ))}
        </span>
      </td>
      <td>{f('acceptance_rate')}</td>
      <td>
        {f('answer_seconds_p50')} / {f('answer_seconds_p90')}
      </td>
      <td>
        {f('agents_committed')} / {f('agents_requested')}
      </td>
      {showCost && <td title="its agent-hours in the range times its cost per agent-hour">{f('cost')}</td>}
      <td className="trend-cell">
        <TrendSparkline points={p.trend} field="sla_attainment" label="SLA" unit={trendUnit} format={(v) => formatPercent(v)} colour="#56d364" />
        <TrendSparkline points={p.trend} field="answer_seconds_p50" label="Answer p50" unit={trendUnit} format={(v) => formatDuration(v)} colour="#79c0ff" />
      </td>
      <td>
        <button type="button" className="link-button" aria-expanded={expanded} onClick={onToggle} data-testid="partner-requests-toggle">
          {expanded ? 'Hide requests' : `Requests (${formatCount(p.requests.total)})`}
        </button>
      </td>
    </tr>
  );
}
