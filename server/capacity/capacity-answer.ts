/**
 * A partner's answer checked against its request: who may answer (the partner it was sent to),
 * what the numbers must be, and whether it still can (before `respond_by`, not answered otherwise).
 */
import type { Principal } from '../access.js';
import { capacityResponseSchema, OPEN_CAPACITY_STATES, type CapacityDecision, type CapacityRequest } from '../../contracts/alerts.js';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues } from '../../contracts/issues.js';

const ANSWERED = new Set(['accepted', 'partial', 'declined']);

export interface CheckedAnswer {
  decision: CapacityDecision;
  committed: number;
  /** The same answer as the one already recorded: nothing to do. */
  repeat: boolean;
}

/** Checks an answer; throws a DomainError ('forbidden', 'invalid', 'conflict') naming what is wrong. */
export function checkAnswer(r: CapacityRequest, principal: Principal, body: unknown): CheckedAnswer {
  const id = r.request_id;
  if (principal.role !== 'open' && !(principal.role === 'partner' && principal.team === r.partner)) {
    throw new DomainError('forbidden', `capacity request "${id}" was not sent to you`);
  }
  const parsed = capacityResponseSchema.safeParse(body);
  if (!parsed.success) throw new DomainError('invalid', describeIssues(parsed.error.issues, { subject: 'body' }));
  const { decision } = parsed.data;
  const committed = parsed.data.agents_committed ?? (decision === 'accepted' ? r.agents_requested : decision === 'declined' ? 0 : undefined);
  if (committed === undefined) throw new DomainError('invalid', 'agents_committed: is required for a partial answer');
  if (decision === 'accepted' && committed !== r.agents_requested) {
    throw new DomainError('invalid', `agents_committed: accepting means all ${r.agents_requested} agents asked for; send "partial" for fewer`);
  }
  if (decision === 'partial' && (committed < 1 || committed >= r.agents_requested)) {
    throw new DomainError('invalid', `agents_committed: a partial answer commits 1 to ${r.agents_requested - 1} agents`);
  }
  if (decision === 'declined' && committed !== 0) throw new DomainError('invalid', 'agents_committed: a decline commits 0 agents');

  if (ANSWERED.has(r.state)) {
    if (r.state === decision && r.agents_committed === committed) return { decision, committed, repeat: true };
    throw new DomainError('conflict', `capacity request "${id}" was already answered: ${r.state}`, { state: r.state, agents_committed: r.agents_committed });
  }
  if (r.state === 'undeliverable') {
    // NOTE: last_error is the product's own text about the delivery (an HTTP status, a timeout), never input.
    const why = r.last_error ? ` (${r.last_error})` : '';
    const next = r.escalated_to ? `; what it asked for went to request "${r.escalated_to}"` : '';
    throw new DomainError('conflict', `capacity request "${id}" could not be delivered${why} and is closed${next}`, { state: r.state, last_error: r.last_error, escalated_to: r.escalated_to });
  }
  if (!OPEN_CAPACITY_STATES.includes(r.state)) {
    throw new DomainError('conflict', `capacity request "${id}" is ${r.state}: the answer came after respond_by (${r.respond_by})`, { state: r.state, escalated_to: r.escalated_to });
  }
  return { decision, committed, repeat: false };
}
