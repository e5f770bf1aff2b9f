/** Audit records of every kind, some at the same instant, with awkward text: for comparing the audit log adapters. */
import type { AuditRecord } from '../../contracts/audit.js';

export const T0 = Date.parse('2026-11-26T09:00:00.000Z');
export const MIN = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();

/** One record of each kind, some at the same instant, with awkward text in ids, targets and comments. */
export function auditSamples(): AuditRecord[] {
  const system = { actor: 'system', role: 'system' } as const;
  const capacity = { queue: 'insurance', partner: "Partner X's \"BPO\" \\ ünïcode", alert_id: 'demand-peak.insurance.1' };
  return [
    { id: 'a-01', at: iso(T0), ...system, action: 'server.started', target: 'server', details: { config_sha256: 'ab'.repeat(32), engines: { log: 'kafka', store: 'clickhouse' }, version: '0.1.0' } },
    { id: 'a-02', at: iso(T0 + MIN), ...system, action: 'capacity.requested', target: "req-1'; DROP TABLE audit_log; --", details: { ...capacity, agents_requested: 6, respond_by: iso(T0 + 11 * MIN), escalated_from: null } },
    { id: 'a-04', at: iso(T0 + 2 * MIN), actor: 'lead-anna', role: 'lead', action: 'alert.acknowledged', target: 'demand-peak.insurance.1', details: { queue: 'insurance', comment: 'line\nbreak\ttab \u0000 nul «»', state: 'firing' } },
    // Same instant as a-04: ties go by id, newest (highest) first.
    { id: 'a-03', at: iso(T0 + 2 * MIN), actor: 'north-integration', role: 'partner', action: 'capacity.answered', target: "req-1'; DROP TABLE audit_log; --", details: { ...capacity, decision: 'partial', agents_requested: 6, agents_committed: 2 } },
    { id: 'a-05', at: iso(T0 + 2 * MIN), ...system, action: 'capacity.escalated', target: 'req-1', details: { ...capacity, state: 'partial', escalated_to: 'req-2' } },
    { id: 'a-06', at: iso(T0 + 5 * MIN + 1), ...system, action: 'capacity.undeliverable', target: 'req-2', details: { ...capacity, attempts: 3, last_error: 'HTTP 410' } },
    { id: 'a-07', at: iso(T0 + 12 * MIN), ...system, action: 'capacity.expired', target: 'req-3', details: { ...capacity, respond_by: iso(T0 + 12 * MIN) } },
    { id: 'a-10', at: iso(T0 + 12 * MIN + 1), ...system, action: 'chat.undeliverable', target: 'chat-msg-1', details: { team: 'inhouse-rcm', message_id: 'chat-msg-1', attempts: 8, last_error: 'network: connect ECONNREFUSED' } },
    { id: 'a-08', at: iso(T0 + 13 * MIN), ...system, action: 'auth.failed_burst', target: '2001:db8::1', details: { address: '2001:db8::1', failures: 50, window_seconds: 60 } },
    { id: 'a-09', at: '2026-11-26T10:10:00.000+01:00', actor: 'open-access', role: 'open', action: 'alert.acknowledged', target: 'x', details: { queue: 'insurance', comment: null, state: 'pending' } },
  ];
}

