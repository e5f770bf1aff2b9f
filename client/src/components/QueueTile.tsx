/** One queue: its load, its waits, its SLA status, in-house against partner; readable from across the room. */
import { useId } from 'react';
import {
  formatCount,
  formatGoal,
  formatWait,
  formatPercent,
  slaStatus,
  type SlaLevel,
  type WallQueue,
} from '../format';
import { formatBreach, formatStaffing, isShortStaffed } from '../alerts-view';
import { useOps } from '../store';
import { KindSplitRow } from './KindSplitRow';
import { Sparkline } from './Sparkline';
import { StatusBadge } from './StatusBadge';
import { StatusIcon } from './Icons';
import './tile.css';

export function QueueTile({ queueId }: { queueId: string }) {
  // Narrow: this tile re-renders for its own queue only, never for the clock.
  const queue: WallQueue | undefined = useOps((s) => s.snapshot?.queues.find((q) => q.queue === queueId));
  const generatedAt = useOps((s) => s.snapshot?.generated_at ?? '');
  const series = useOps((s) => s.sparklines[queueId]);
  const alertFiring = useOps((s) => s.alerts.some((a) => a.queue === queueId && a.state === 'firing'));
  const whyId = useId();
  if (!queue) return null;
  const status = slaStatus(queue, alertFiring);
  // The SLA figure is coloured by attainment alone; the badge by everything (see slaStatus).
  const slaLevel = slaStatus({ sla_attainment: queue.sla_attainment, sla_goal: queue.sla_goal, breached: 0, thresholds: queue.thresholds }).level;
  const breach = formatBreach(queue.time_to_breach_minutes, queue.breached);
  const staffing = formatStaffing(queue.staffed_agents, queue.agents_needed);
  return (
    <article
      className={`tile level-${status.level}`}
      aria-label={`${queue.name}: ${status.label}`}
      aria-describedby={whyId}
      title={`${status.label}: ${status.reason}`}
      data-queue={queue.queue}
    >
      {/* NOTE: the tooltip's reasons for screen readers too (a hidden element still describes). */}
      <span id={whyId} hidden>
        {status.reason}
      </span>
      <h2 className="tile-name" title={queue.name}>
        {queue.name}
      </h2>
      <div className="tile-status">
        <StatusBadge status={status} />
        <Count n={queue.breached} noun="breached" level="red" />
        <Count n={queue.at_risk} noun="at risk" level="amber" />
        {breach && (
          <span className="tile-breach num text-red" data-metric="breach">
            <StatusIcon level="red" />
            {breach}
          </span>
        )}
        <span className="tile-target">target {formatWait(queue.sla_target_seconds)}</span>
      </div>
      <dl className="tile-metrics">
        <div className="metric metric-backlog">
          <dt>Backlog · 60 min</dt>
          <dd className="backlog-row">
            <span className="num" data-metric="backlog">
              <Figure text={formatCount(queue.backlog)} />
            </span>
            <Sparkline series={series} live={queue.backlog} liveAt={generatedAt} />
          </dd>
        </div>
        <Metric
          name="oldest"
          label="Oldest wait"
          value={formatWait(queue.oldest_wait_seconds)}
          level={waitLevel(queue.oldest_wait_seconds, queue.sla_target_seconds)}
        />
        <Metric name="waiting" label="Waiting" value={formatCount(queue.waiting)} />
        <Metric name="sla" label={`SLA · goal ${formatGoal(queue.sla_goal)}`} value={formatPercent(queue.sla_attainment)} level={slaLevel} />
        <Metric
          name="agents"
          label={staffing.label}
          value={staffing.value}
          title={staffing.title}
          level={isShortStaffed(queue.staffed_agents, queue.agents_needed) ? 'red' : undefined}
        />
        {/* NOTE: the waits' percentiles in one line of smaller figures, so that the key figures keep 44 px at 1080p. */}
        <div className="metric-waits">
          <dt>Wait p50</dt>
          <dd className="num" data-metric="p50">
            <Figure text={formatWait(queue.wait_p50_seconds)} />
          </dd>
          <dt>p90</dt>
          <dd className="num" data-metric="p90">
            <Figure text={formatWait(queue.wait_p90_seconds)} />
          </dd>
        </div>
      </dl>
      <KindSplitRow rows={queue.teams} />
    </article>
  );
}

/**
 * The oldest wait against the target, with the same lines as `breached` and `at_risk` (SPEC
 * section 3); the counts beside the badge say the same in words.
 */
function waitLevel(seconds: number, targetSeconds: number): SlaLevel | undefined {
  if (seconds > targetSeconds) return 'red';
  if (seconds > 0.8 * targetSeconds) return 'amber';
  return undefined;
}

function Metric({ name, label, value, level, title }: { name: string; label: string; value: string; level?: SlaLevel; title?: string }) {
  return (
    <div className="metric" title={title}>
      <dt>{label}</dt>
      <dd className={`num${level ? ` text-${level}` : ''}`} data-metric={name}>
        <Figure text={value} />
      </dd>
    </div>
  );
}

/** Digits at full size, units ("m", "s", "%") smaller; "—" and plain counts stay as they are. */
export function Figure({ text }: { text: string }) {
  const parts = text.split(/(\d[\d,.]*)/).filter((part) => part !== '');
  if (parts.length === 1) return text;
  return parts.map((part, i) =>
    /^\d/.test(part) ? (
      <span key={i}>{part}</span>
    ) : (
      <span key={i} className="unit">
        {part}
      </span>
    ),
  );
}

/** A count of waiting tasks past (or near) the target; coloured and marked only when non-zero. */
function Count({ n, noun, level }: { n: number; noun: string; level: 'red' | 'amber' }) {
  const alarming = n > 0;
  return (
    <span className={`tile-count num${alarming ? ` text-${level}` : ''}`} data-metric={noun === 'breached' ? 'breached' : 'at-risk'}>
      {alarming && <StatusIcon level={level} />}
      {formatCount(n)} {noun}
    </span>
  );
}
