/**
 * The audit records the product writes (SPEC section 10), one builder per place where things
 * happen: an acknowledgement, a stored capacity change, the start-up, a burst of failed
 * authentication. Ids come from the injected id source, time from the injected clock (or the
 * instant of the change the record is about).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Acknowledgement, Alert, CapacityChange } from '../../contracts/alerts.js';
import { SYSTEM_ACTOR, type AuditRecord, type AuditRole } from '../../contracts/audit.js';
import type { Clock, IdSource } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import type { AuditLog } from './audit-log.js';

/** Who did it: an access entry's name and role, or the system. */
export interface AuditActor {
  name: string;
  role: AuditRole;
}

export const SYSTEM: AuditActor = { name: SYSTEM_ACTOR, role: 'system' };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A record before it has its id and instant. */
export type AuditEntry = DistributiveOmit<AuditRecord, 'id' | 'at'>;

/** Gives an entry its id and instant. */
export function stamp(entry: AuditEntry, ids: IdSource, atMs: number): AuditRecord {
  return { id: ids(), at: new Date(atMs).toISOString(), ...entry } as AuditRecord;
}

/** `alert.acknowledged`: one record per acknowledgement, at its instant. */
export function acknowledgementRecord(alert: Alert, actor: AuditActor, ack: Acknowledgement, ids: IdSource): AuditRecord {
  return stamp(
    { actor: actor.name, role: actor.role, action: 'alert.acknowledged', target: alert.id, details: { queue: alert.queue, comment: ack.comment, state: alert.state } },
    ids,
    Date.parse(ack.at),
  );
}

/**
 * The record a stored capacity change gives, if any: created, answered (`accepted`, `partial`,
 * `declined`: by the partner's access entry, `answeredBy`), escalated, undeliverable, expired.
 * Deliveries and failed attempts give none (the request's record shows its attempts).
 */
export function capacityChangeRecord(change: CapacityChange, answeredBy: AuditActor | undefined, ids: IdSource): AuditRecord | undefined {
  const entry = capacityEntry(change, answeredBy ?? SYSTEM);
  return entry && stamp(entry, ids, Date.parse(change.at));
}

function capacityEntry(change: CapacityChange, answeredBy: AuditActor): AuditEntry | undefined {
  const r = change.request;
  const base = { queue: r.queue, partner: r.partner, alert_id: r.alert_id };
  const system = { ...actorFields(SYSTEM), target: r.request_id };
  switch (change.change) {
    case 'created':
      return { ...system, action: 'capacity.requested', details: { ...base, agents_requested: r.agents_requested, respond_by: r.respond_by, escalated_from: r.escalated_from } };
    case 'accepted':
    case 'partial':
    case 'declined':
      return {
        ...system,
        ...actorFields(answeredBy),
        action: 'capacity.answered',
        details: { ...base, decision: change.change, agents_requested: r.agents_requested, agents_committed: r.agents_committed },
      };
    case 'escalated':
      return r.escalated_to ? { ...system, action: 'capacity.escalated', details: { ...base, state: r.state, escalated_to: r.escalated_to } } : undefined;
    case 'undeliverable':
      return { ...system, action: 'capacity.undeliverable', details: { ...base, attempts: r.attempts, last_error: r.last_error } };
    case 'expired':
      return { ...system, action: 'capacity.expired', details: { ...base, respond_by: r.respond_by } };
    default:
      return undefined;
  }
}

/** SHA-256 (hex) of the validated configuration as canonical JSON: keys sorted, lookup indexes left out. */
export function configDigest(config: OpsConfig): string {
  const { queueIndex: _q, teamIndex: _t, ...file } = config;
  return createHash('sha256').update(canonicalJson(file), 'utf8').digest('hex');
}

/** JSON with every object's keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The version in package.json ("unknown" when it cannot be read). */
export function productVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `server.started`: the config's digest, the engines and the version, by the system. */
export function startRecord(config: OpsConfig, engines: { log: string; store: string }, version: string, clock: Clock, ids: IdSource): AuditRecord {
  return stamp(
    { ...actorFields(SYSTEM), action: 'server.started', target: 'server', details: { config_sha256: configDigest(config), engines, version } },
    ids,
    clock(),
  );
}

/**
 * `auth.failed_burst`: a client address failed authentication `failures` times within
 * `windowSeconds`; resolves once stored. For the per-address auth limiter's burst hook.
 */
export function recordAuthBurst(audit: AuditLog, clock: Clock, ids: IdSource, address: string, failures: number, windowSeconds = 60): Promise<void> {
  const record = stamp(
    { ...actorFields(SYSTEM), action: 'auth.failed_burst', target: address, details: { address, failures, window_seconds: windowSeconds } },
    ids,
    clock(),
  );
  return audit.append([record]);
}

/**
 * `chat.undeliverable`: a team's chat message was given up on after `attempts` (retries ran out,
 * or the receiver refused it), at the instant of the give-up; resolves once stored.
 */
export function recordChatGiveUp(audit: AuditLog, clock: Clock, ids: IdSource, give: { team: string; messageId: string; attempts: number; lastError: string | null }): Promise<void> {
  const details = { team: give.team, message_id: give.messageId, attempts: give.attempts, last_error: give.lastError };
  return audit.append([stamp({ ...actorFields(SYSTEM), action: 'chat.undeliverable', target: give.messageId, details }, ids, clock())]);
}

function actorFields(actor: AuditActor): { actor: string; role: AuditRole } {
  return { actor: actor.name, role: actor.role };
}
