/** The SLA status of a queue: colour, shape and words together. */
import type { SlaStatus } from '../format';
import { StatusIcon } from './Icons';

export function StatusBadge({ status }: { status: SlaStatus }) {
  return (
    <span className={`status-badge level-${status.level}`}>
      <StatusIcon level={status.level} />
      <span>{status.label}</span>
    </span>
  );
}
