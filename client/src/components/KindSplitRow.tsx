/**
 * In-house against partner on one queue, on the tasks started in the window: each side's share
 * of them (a bar and a figure), its SLA attainment and its p90 wait.
 */
import type { TeamMetrics } from '../../../contracts/metrics-snapshot';
import { formatPercent, formatWait } from '../format';
import { splitByKind, type KindShare } from '../team-split';
import './kind-split.css';

export function KindSplitRow({ rows }: { rows: readonly TeamMetrics[] }) {
  const split = splitByKind(rows);
  if (split.partner.teams === 0 || split.inhouse.teams === 0) {
    const only = split.partner.teams === 0 ? 'In-house teams only' : 'Partner teams only';
    return (
      <div className="kind-split kind-split-single" data-testid="kind-split">
        <span className="kind-note">{only}</span>
      </div>
    );
  }
  const inhousePercent = split.inhouse.share == null ? 50 : split.inhouse.share * 100;
  return (
    <div className="kind-split" data-testid="kind-split">
      <span className="kind-name kind-inhouse" data-kind="inhouse">
        In-house <strong className="num" data-metric="share">{formatPercent(split.inhouse.share)}</strong>
      </span>
      <div className={`kind-bar${split.started === 0 ? ' kind-bar-empty' : ''}`} aria-hidden="true">
        <span className="kind-bar-inhouse" style={{ width: `${inhousePercent}%` }} />
        <span className="kind-bar-partner" />
      </div>
      <span className="kind-name kind-partner" data-kind="partner">
        <strong className="num" data-metric="share">{formatPercent(split.partner.share)}</strong> Partner
      </span>
      <Figures side={split.inhouse} />
      <Figures side={split.partner} />
    </div>
  );
}

/** SLA attainment and p90 wait of one side; "≤" when several teams' p90s only bound it. */
function Figures({ side }: { side: KindShare }) {
  const wait = side.p90 == null ? '—' : `${side.p90Exact ? '' : '≤ '}${formatWait(side.p90)}`;
  return (
    <span className={`kind-figures kind-${side.kind} num`} data-kind={side.kind}>
      SLA <strong data-metric="sla">{formatPercent(side.slaAttainment)}</strong> · p90 <strong data-metric="p90">{wait}</strong>
    </span>
  );
}
