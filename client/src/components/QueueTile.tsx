/** One queue on the wall: its load, its waits and its SLA status, readable from across the room. */
import {
  formatCount,
  formatDuration,
  formatGoal,
  formatPercent,
  slaStatus,
  type SlaLevel,
  type WallQueue,
} from '../format';
import { useWall } from '../store';
import { StatusBadge } from './StatusBadge';
import { StatusIcon } from './Icons';

export function QueueTile({ queueId }: { queueId: string }) {
  // Narrow: this tile re-renders for its own queue only, never for the clock.
  const queue: WallQueue | undefined = useWall((s) => s.snapshot?.queues.find((q) => q.queue === queueId));
  if (!queue) return null;
  const status = slaStatus(queue);
  return (
    <article className={`tile level-${status.level}`} aria-label={`${queue.name}: ${status.label}`}>
      <h2 className="tile-name" title={queue.name}>
        {queue.name}
      </h2>
      <div className="tile-status">
        <StatusBadge status={status} />
        <Count n={queue.breached} noun="breached" level="red" />
        <Count n={queue.at_risk} noun="at risk" level="amber" />
      </div>
      <dl className="tile-metrics">
        <Metric label="Backlog" value={formatCount(queue.backlog)} />
        <Metric label="Waiting" value={formatCount(queue.waiting)} />
        <Metric label="Agents" value={formatCount(queue.staffed_agents)} />
        <Metric
          label="Oldest wait"
          value={formatDuration(queue.oldest_wait_seconds)}
          level={waitLevel(queue.oldest_wait_seconds, queue.sla_target_seconds)}
        />
        <Metric label="P90 wait" value={formatDuration(queue.wait_p90_seconds)} />
        <Metric
          label={`SLA · goal ${formatGoal(queue.sla_goal)}`}
          value={formatPercent(queue.sla_attainment)}
          level={status.level}
        />
      </dl>
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

function Metric({ label, value, level }: { label: string; value: string; level?: SlaLevel }) {
  return (
    <div className="metric">
      <dt>{label}</dt>
      <dd className={`num${level ? ` text-${level}` : ''}`}>
        <Figure text={value} />
      </dd>
    </div>
  );
}

/** Digits at full size, units ("m", "s", "%") smaller; "—" and plain counts stay as they are. */
function Figure({ text }: { text: string }) {
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
    <span className={`tile-count num${alarming ? ` text-${level}` : ''}`}>
      {alarming && <StatusIcon level={level} />}
      {formatCount(n)} {noun}
    </span>
  );
}
