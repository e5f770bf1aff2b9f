/**
 * One queue's teams over the range the lead picked (`GET /api/metrics/teams`): each team's share
 * of the queue's first starts in the range, its waits and SLA attainment, and beside them what it
 * has in progress and staffed now (the live snapshot: those two columns are always "now").
 */
import type { QueueTeams } from '../../../../contracts/lead-charts';
import { formatCount, formatPercent, slaStatus } from '../../format';
import { useOps } from '../../store';
import { ColumnHeads, TeamHeading, WaitCells } from './TeamTable';

const COLUMNS = ['Team', 'Share of starts', 'Started', 'Wait p50', 'Wait p90', 'SLA', 'In progress', 'Agents'];

export function RangeTeamTable({ queueId, teams }: { queueId: string; teams: QueueTeams | null }) {
  const live = useOps((s) => s.snapshot?.queues.find((q) => q.queue === queueId));
  if (!teams) return <p className="placeholder">Loading the teams…</p>;
  if (teams.teams.length === 0) return <p className="placeholder">No team of this view works on this queue.</p>;
  const total = teams.teams.reduce((n, t) => n + t.started, 0);
  return (
    <div className="table-scroll">
      <table className="team-table range-team-table" data-testid="team-table" data-minutes={teams.minutes}>
        <ColumnHeads columns={COLUMNS} />
        <tbody>
          {teams.teams.map((row) => {
            const now = live?.teams.find((t) => t.team === row.team);
            const level = live ? slaStatus({ sla_attainment: row.sla_attainment, sla_goal: live.sla_goal, breached: 0, thresholds: live.thresholds }).level : 'neutral';
            return (
              <tr key={row.team} data-team={row.team} data-queue={teams.queue}>
                <TeamHeading team={row} />
                <td className="num">{formatPercent(total > 0 ? row.started / total : null)}</td>
                <td className="num" data-metric="started">
                  {formatCount(row.started)}
                </td>
                <WaitCells team={row} level={level} />
                <td className="num">{now ? formatCount(now.in_progress) : '–'}</td>
                <td className="num">{now ? formatCount(now.staffed_agents) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
