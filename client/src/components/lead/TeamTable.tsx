/**
 * Teams compared, queue by queue (waits cannot be merged across queues with different targets):
 * each team's share of the queue's starts, its waits and SLA attainment, in-house beside partner.
 */
import { Fragment } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { QueueMetrics } from '../../../../contracts/metrics-snapshot';
import { formatCount, formatDuration, formatGoal, formatPercent, slaStatus, type SlaLevel } from '../../format';
import { useOps } from '../../store';
import { teamShare } from '../../team-split';
import { StatusIcon } from '../Icons';

const COLUMNS = ['Team', 'Share of starts', 'Started', 'In progress', 'Completed', 'Wait p50', 'Wait p90', 'SLA', 'Agents'];

export function TeamTable({ queueIds }: { queueIds: readonly string[] }) {
  const queues = useOps(useShallow((s) => s.snapshot?.queues.filter((q) => queueIds.includes(q.queue)) ?? []));
  if (queues.length === 0) return <p className="placeholder">No teams to compare.</p>;
  return (
    <div className="table-scroll">
      <table className="team-table" data-testid="team-table">
        <ColumnHeads columns={COLUMNS} />
        <tbody>
          {queues.map((queue) => (
            <QueueRows key={queue.queue} queue={queue} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueueRows({ queue }: { queue: QueueMetrics }) {
  return (
    <Fragment>
      <tr className="queue-row">
        <th scope="rowgroup" colSpan={COLUMNS.length}>
          {queue.name} <span className="muted">· target {formatDuration(queue.sla_target_seconds)}, goal {formatGoal(queue.sla_goal)}</span>
        </th>
      </tr>
      {queue.teams.length === 0 && (
        <tr>
          <td colSpan={COLUMNS.length} className="muted">
            No team of this view works on this queue.
          </td>
        </tr>
      )}
      {queue.teams.map((row) => {
        const level = slaStatus({ sla_attainment: row.sla_attainment, sla_goal: queue.sla_goal, breached: 0, thresholds: queue.thresholds }).level;
        return (
          <tr key={row.team} data-team={row.team} data-queue={queue.queue}>
            <TeamHeading team={row} />
            <td className="num">{formatPercent(teamShare(row, queue.teams))}</td>
            <td className="num">{formatCount(row.started)}</td>
            <td className="num">{formatCount(row.in_progress)}</td>
            <td className="num">{formatCount(row.completions)}</td>
            <WaitCells team={row} level={level} />
            <td className="num">{formatCount(row.staffed_agents)}</td>
          </tr>
        );
      })}
    </Fragment>
  );
}

/** A table's header row: one column heading per name. */
export function ColumnHeads({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A team's row heading: its name and whether it is in-house or a partner. */
export function TeamHeading({ team }: { team: { name: string; kind: string } }) {
  return (
    <th scope="row">
      {team.name} <span className={`kind-tag kind-tag-${team.kind}`}>{team.kind === 'inhouse' ? 'In-house' : 'Partner'}</span>
    </th>
  );
}

/** A team's wait p50 and p90 and its SLA attainment, coloured (with an icon) by `level`. */
export function WaitCells({ team, level }: { team: { wait_p50_seconds: number | null; wait_p90_seconds: number | null; sla_attainment: number | null }; level: SlaLevel }) {
  return (
    <>
      <td className="num">{formatDuration(team.wait_p50_seconds)}</td>
      <td className="num">{formatDuration(team.wait_p90_seconds)}</td>
      <td className={`num${level === 'neutral' ? '' : ` text-${level}`}`} data-metric="sla">
        {level === 'amber' || level === 'red' ? <StatusIcon level={level} /> : null}
        {formatPercent(team.sla_attainment)}
      </td>
    </>
  );
}
