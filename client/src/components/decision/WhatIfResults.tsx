/**
 * The scenarios compared: why they differ (in words), SLA attainment against cost (a point per
 * scenario), a table with a column per scenario (totals, then each queue) and the calibration.
 */
import type { QueueOutcome, Scenario, WhatIfAnswer, WhatIfSetup } from '../../../../contracts/what-if';
import { formatCount, formatDuration, formatPercent } from '../../format';
import { explainDifferences } from '../../what-if-explain';
import { WhatIfChart } from './WhatIfChart';

const hours = (h: number): string => `${formatCount(h)} h`;

type Field = { key: string; label: string; read: (q: QueueOutcome) => string };
const QUEUE_FIELDS: Field[] = [
  { key: 'tasks', label: 'Tasks', read: (q) => formatCount(q.tasks) },
  { key: 'sla_attainment', label: 'SLA attainment', read: (q) => formatPercent(q.sla_attainment) },
  { key: 'wait_p50_seconds', label: 'Wait p50', read: (q) => formatDuration(q.wait_p50_seconds) },
  { key: 'wait_p90_seconds', label: 'Wait p90', read: (q) => formatDuration(q.wait_p90_seconds) },
  { key: 'agent_hours_inhouse', label: 'Agent-hours in-house', read: (q) => hours(q.agent_hours_inhouse) },
  { key: 'agent_hours_partner', label: 'Agent-hours partners', read: (q) => hours(q.agent_hours_partner) },
  { key: 'cost', label: 'Cost', read: (q) => formatCount(q.cost) },
];
const TOTAL_FIELDS = QUEUE_FIELDS.filter((f) => !f.key.startsWith('wait'));

/** The text of a cell (tests read the page against the API through this). */
export function outcomeCell(q: QueueOutcome, key: string): string {
  return QUEUE_FIELDS.find((f) => f.key === key)!.read(q);
}

export function WhatIfResults({ answer, sent, setup, stale }: { answer: WhatIfAnswer; sent: Scenario[]; setup: WhatIfSetup; stale: boolean }) {
  const nameOf = (id: string): string => setup.queues.find((q) => q.id === id)?.name ?? id;
  const partnerOf = (id: string): string => setup.partners.find((p) => p.id === id)?.name ?? id;
  const sentences = explainDifferences(answer, sent, nameOf, partnerOf);
  const sensitive = setup.queues.filter((q) => q.sensitive).map((q) => q.name);
  const queueIds = answer.scenarios[0]?.queues.map((q) => q.queue) ?? [];
  const worst = answer.calibration.queues.reduce((m, c) => Math.max(m, gap(c.recorded_sla_attainment, c.replayed_sla_attainment) ?? 0), 0);
  return (
    <section className={`what-if-results${stale ? ' stale' : ''}`} data-testid="what-if-results" aria-busy={stale}>
      <div className="panel explain" data-testid="what-if-explain">
        <h3>Why the numbers differ</h3>
        {sentences.map((s) => (
          <p key={s}>{s}</p>
        ))}
        {sensitive.length > 0 && <p>Sensitive work may not go to partners, so these queues stay in-house in every scenario: {sensitive.join(', ')}.</p>}
      </div>
      <WhatIfChart scenarios={answer.scenarios} />
      <div className="table-scroll panel">
        <table className="decision-table compare-table" data-testid="what-if-table">
          <thead>
            <tr>
              <th scope="col">
                {new Date(answer.from).toLocaleString()} – {new Date(answer.to).toLocaleString()}
              </th>
              {answer.scenarios.map((s, i) => (
                <th scope="col" key={s.name} data-scenario={i}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody data-queue="totals">
            <tr className="group-row">
              <th scope="colgroup" colSpan={answer.scenarios.length + 1}>All queues</th>
            </tr>
            {TOTAL_FIELDS.map((f) => (
              <tr key={f.key}>
                <th scope="row">{f.label}</th>
                {answer.scenarios.map((s, i) => (
                  <td key={s.name} className="num" data-scenario={i} data-field={f.key}>
                    {f.read({ ...s.totals, queue: 'totals', wait_p50_seconds: null, wait_p90_seconds: null })}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {queueIds.map((id) => (
            <tbody key={id} data-queue={id}>
              <tr className="group-row">
                <th scope="colgroup" colSpan={answer.scenarios.length + 1}>{nameOf(id)}</th>
              </tr>
              {QUEUE_FIELDS.map((f) => (
                <tr key={f.key}>
                  <th scope="row">{f.label}</th>
                  {answer.scenarios.map((s, i) => {
                    const q = s.queues.find((x) => x.queue === id);
                    return (
                      <td key={s.name} className="num" data-scenario={i} data-field={f.key}>
                        {q ? f.read(q) : '—'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
      <div className="panel calibration" data-testid="what-if-calibration">
        <h3>How far to trust the model</h3>
        <p>
          The recorded staffing replayed through the model, against the SLA attainment measured on the same tasks.
          {answer.calibration.queues.length > 0 && ` The widest gap is ${Math.round(worst * 1000) / 10} points: read differences smaller than that with care.`}
        </p>
        <table className="decision-table">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Measured SLA</th>
              <th scope="col">Replayed SLA</th>
              <th scope="col">Gap</th>
            </tr>
          </thead>
          <tbody>
            {answer.calibration.queues.map((c) => {
              const g = gap(c.recorded_sla_attainment, c.replayed_sla_attainment);
              return (
                <tr key={c.queue} data-queue={c.queue}>
                  <th scope="row">{nameOf(c.queue)}</th>
                  <td className="num">{formatPercent(c.recorded_sla_attainment)}</td>
                  <td className="num">{formatPercent(c.replayed_sla_attainment)}</td>
                  <td className="num">{g === null ? '—' : `${Math.round(g * 1000) / 10} points`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function gap(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.abs(a - b);
}
