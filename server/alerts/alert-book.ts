/**
 * The alert lifecycle: one open alert per queue and kind (deduplicated), `pending` while the
 * condition has not yet held for the hold time, `firing` after it, `resolved` once the recovery
 * condition has held for the clear time. Verdicts in between (the hysteresis band) change nothing,
 * so a queue at the threshold does not flap. Notifications: one when an alert fires, then repeats
 * while it fires unacknowledged, at most one per `repeatMs` per alert and `maxPerMinute` overall.
 *
 * Driven by observations (one per queue per evaluation); time comes from the injected clock.
 */
import type { Acknowledgement, Alert, AlertKind, PeakMeasures } from '../../contracts/alerts.js';
import { DomainError } from '../../contracts/errors.js';
import type { Verdict } from './demand-peak.js';
import { NOT_SHOWN, quoteIfOpaque } from '../../contracts/issues.js';

export interface AlertBookOptions {
  clock: () => number;
  /** Condition held this long before `pending` becomes `firing` (default 2 min). */
  holdMs?: number;
  /** Recovery held this long before `firing` becomes `resolved` (default 5 min). */
  clearMs?: number;
  /** A firing, unacknowledged alert notifies again after this long (default 15 min). */
  repeatMs?: number;
  /** Notifications over all alerts in any minute (default 6); the rest wait their turn. */
  maxPerMinute?: number;
  /** Resolved alerts are listed this long (default 24 h), at most `keepResolved` of them (default 100). */
  keepResolvedMs?: number;
  keepResolved?: number;
}

export interface Observation {
  kind: AlertKind;
  queue: string;
  queueName: string;
  verdict: Verdict;
  measures: PeakMeasures;
  summary: string;
}

export type AlertChange = 'pending' | 'firing' | 'resolved' | 'dropped' | 'notified' | 'updated' | 'acknowledged';

export interface AlertTransition {
  change: AlertChange;
  alert: Alert;
}

/** An alert as it is stored to outlive a restart: open ones with where their lifecycle stands. */
export interface StoredAlert {
  alert: Alert;
  tracking: Omit<Tracked, 'alert'> | null;
}

interface Tracked {
  alert: Alert;
  /** Since when the raise condition has held without a break (pending only). */
  raisingSince: number | null;
  /** Since when the recovery condition has held without a break (firing only). */
  clearSince: number | null;
  /** Last instant the raise condition held. */
  lastRaised: number;
  /** A notification is owed but the overall rate held it back. */
  owed: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const keyOf = (kind: string, queue: string) => `${kind}\u0000${queue}`;

export class AlertBook {
  private readonly open = new Map<string, Tracked>();
  private resolved: Alert[] = [];
  private readonly byId = new Map<string, Tracked | Alert>();
  private readonly sentAt: number[] = [];
  private readonly o: Required<AlertBookOptions>;

  constructor(options: AlertBookOptions) {
    this.o = {
      holdMs: 2 * 60_000,
      clearMs: 5 * 60_000,
      repeatMs: 15 * 60_000,
      maxPerMinute: 6,
      keepResolvedMs: 24 * 3600_000,
      keepResolved: 100,
      ...options,
    };
  }

  /** Takes one evaluation of one queue and kind; returns what changed. */
  observe(obs: Observation): AlertTransition[] {
    const now = this.o.clock();
    const key = keyOf(obs.kind, obs.queue);
    let t = this.open.get(key);
    const out: AlertTransition[] = [];

    if (!t) {
      if (obs.verdict !== 'raise') return out;
      t = { alert: this.newAlert(obs, now), raisingSince: now, clearSince: null, lastRaised: now, owed: false };
      this.open.set(key, t);
      this.byId.set(t.alert.id, t);
      out.push({ change: 'pending', alert: t.alert });
    } else {
      const changed = t.alert.summary !== obs.summary || JSON.stringify(t.alert.measures) !== JSON.stringify(obs.measures);
      t.alert.measures = obs.measures;
      t.alert.summary = obs.summary;
      if (changed) t.alert.updated_at = iso(now);
      if (obs.verdict === 'raise') t.lastRaised = now;
      if (t.alert.state === 'pending') {
        if (obs.verdict === 'raise') t.raisingSince ??= now;
        else t.raisingSince = null;
        // A pending alert whose condition went away, or sat in the band for a clear time, never fired: it goes.
        if (obs.verdict === 'clear' || now - t.lastRaised >= this.o.clearMs) {
          this.forget(key, t);
          return [{ change: 'dropped', alert: t.alert }];
        }
      } else {
        t.clearSince = obs.verdict === 'clear' ? (t.clearSince ?? now) : null;
      }
      if (changed) out.push({ change: 'updated', alert: t.alert });
    }

    if (t.alert.state === 'pending' && t.raisingSince !== null && now - t.raisingSince >= this.o.holdMs) {
      t.alert.state = 'firing';
      t.alert.firing_at = iso(now);
      t.alert.updated_at = iso(now);
      t.owed = true;
      out.push({ change: 'firing', alert: t.alert });
    } else if (t.alert.state === 'firing' && t.clearSince !== null && now - t.clearSince >= this.o.clearMs) {
      t.alert.state = 'resolved';
      t.alert.resolved_at = iso(now);
      t.alert.updated_at = iso(now);
      this.forget(key, t);
      this.resolved.unshift(t.alert);
      this.byId.set(t.alert.id, t.alert);
      this.prune(now);
      return [...out.filter((x) => x.change !== 'updated'), { change: 'resolved', alert: t.alert }];
    }

    if (t.alert.state === 'firing' && !t.alert.acknowledged) {
      const last = t.alert.last_notified_at ? Date.parse(t.alert.last_notified_at) : -Infinity;
      if (t.owed || now - last >= this.o.repeatMs) {
        t.owed = true;
        if (this.takeToken(now)) {
          t.owed = false;
          t.alert.notifications++;
          t.alert.last_notified_at = iso(now);
          out.push({ change: 'notified', alert: t.alert });
        }
      }
    }
    return out;
  }

  /**
   * Acknowledges an open alert; stops its repeat notifications. A second acknowledgement is added
   * to the alert's list (the latest shows as `acknowledged`). Throws a DomainError: 'not_found',
   * or 'conflict' once it resolved.
   */
  acknowledge(id: string, by: string, comment: string | undefined): AlertTransition {
    return this.addAcknowledgement(id, this.acknowledgementFor(id, by, comment));
  }

  /**
   * The acknowledgement `by` would make now, not applied yet (the alerting stores its audit record
   * first). Throws a DomainError: 'not_found', or 'conflict' once the alert resolved.
   */
  acknowledgementFor(id: string, by: string, comment: string | undefined): Acknowledgement {
    const found = this.byId.get(id);
    if (!found) throw new DomainError('not_found', `no alert ${quoteIfOpaque(id) ?? NOT_SHOWN}`);
    if (!('raisingSince' in found)) throw new DomainError('conflict', `alert "${id}" is already resolved`);
    return { by, at: iso(this.o.clock()), comment: comment?.trim() ? comment.trim() : null };
  }

  /**
   * Adds an acknowledgement made by `acknowledgementFor`, in order of its instant. An alert that
   * resolved meanwhile still gets it (its record is stored); one no longer listed: 'not_found'.
   */
  addAcknowledgement(id: string, ack: Acknowledgement): AlertTransition {
    const found = this.byId.get(id);
    if (!found) throw new DomainError('not_found', `no alert ${quoteIfOpaque(id) ?? NOT_SHOWN}`);
    const alert = 'raisingSince' in found ? found.alert : found;
    alert.acknowledgements = [...alert.acknowledgements, ack].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    alert.acknowledged = alert.acknowledgements.at(-1)!;
    alert.updated_at = iso(Math.max(Date.parse(alert.updated_at), Date.parse(ack.at)));
    if ('raisingSince' in found) found.owed = false;
    return { change: 'acknowledged', alert };
  }

  /** Records a capacity request sent for an alert. */
  linkCapacityRequest(alertId: string, requestId: string): void {
    const found = this.byId.get(alertId);
    const alert = found && 'raisingSince' in found ? found.alert : (found as Alert | undefined);
    if (alert && !alert.capacity_request_ids.includes(requestId)) alert.capacity_request_ids.push(requestId);
  }

  /** Every alert the book holds (open and recently resolved), as it would be stored. */
  stored(): StoredAlert[] {
    const open = [...this.open.values()].map(({ alert, ...tracking }) => ({ alert: structuredClone(alert), tracking }));
    return [...open, ...this.resolved.map((alert) => ({ alert: structuredClone(alert), tracking: null }))];
  }

  /** Takes stored alerts back (a restart): open ones go on where they stood, resolved ones are listed. */
  restore(stored: readonly StoredAlert[]): void {
    for (const { alert, tracking } of stored) {
      if (this.byId.has(alert.id)) continue;
      if (tracking && alert.state !== 'resolved') {
        const key = keyOf(alert.kind, alert.queue);
        if (this.open.has(key)) continue;
        const t: Tracked = { alert: structuredClone(alert), ...tracking };
        this.open.set(key, t);
        this.byId.set(alert.id, t);
      } else if (alert.state === 'resolved') {
        this.resolved.push(structuredClone(alert));
        this.byId.set(alert.id, this.resolved[this.resolved.length - 1]);
      }
    }
    this.resolved.sort((a, b) => b.resolved_at!.localeCompare(a.resolved_at!));
    this.prune(this.o.clock());
  }

  /** Holds exactly these alerts from now on (a follower showing the leading server's book). */
  replace(stored: readonly StoredAlert[]): void {
    this.open.clear();
    this.byId.clear();
    this.resolved = [];
    this.restore(stored);
  }

  /** The alert with this id, open or recently resolved. */
  get(id: string): Alert | undefined {
    const found = this.byId.get(id);
    return found && 'raisingSince' in found ? found.alert : found;
  }

  /** The open alert of a queue and kind, if any. */
  openFor(kind: AlertKind, queue: string): Alert | undefined {
    return this.open.get(keyOf(kind, queue))?.alert;
  }

  /** Open alerts (firing first, then pending; newest first), then recently resolved ones. */
  list(): Alert[] {
    this.prune(this.o.clock());
    const rank = (a: Alert) => (a.state === 'firing' ? 0 : 1);
    const open = [...this.open.values()].map((t) => t.alert).sort((a, b) => rank(a) - rank(b) || b.started_at.localeCompare(a.started_at));
    return [...open, ...this.resolved];
  }

  private newAlert(obs: Observation, now: number): Alert {
    return {
      id: `${obs.kind}.${obs.queue}.${now.toString(36)}`,
      kind: obs.kind,
      queue: obs.queue,
      queue_name: obs.queueName,
      state: 'pending',
      summary: obs.summary,
      started_at: iso(now),
      firing_at: null,
      resolved_at: null,
      updated_at: iso(now),
      notifications: 0,
      last_notified_at: null,
      acknowledged: null,
      acknowledgements: [],
      measures: obs.measures,
      capacity_request_ids: [],
    };
  }

  private forget(key: string, t: Tracked): void {
    this.open.delete(key);
    this.byId.delete(t.alert.id);
  }

  private takeToken(now: number): boolean {
    while (this.sentAt.length > 0 && now - this.sentAt[0] >= 60_000) this.sentAt.shift();
    if (this.sentAt.length >= this.o.maxPerMinute) return false;
    this.sentAt.push(now);
    return true;
  }

  private prune(now: number): void {
    const keep = this.resolved.filter((a, i) => i < this.o.keepResolved && now - Date.parse(a.resolved_at!) < this.o.keepResolvedMs);
    for (const a of this.resolved) if (!keep.includes(a)) this.byId.delete(a.id);
    this.resolved = keep;
  }
}
