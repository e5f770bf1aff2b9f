/**
 * Tells each team's chat channel about the alerts of the queues it serves (issue 12 item 6): an
 * alert that fires, is covered or acknowledged, or resolves gives one message per team with
 * `chat` in the config. It watches the alerting's change lists (`Alerting.onChange`) and compares
 * each alert with what it saw last, so the alert contract and loop need no hook of their own.
 *
 * Only the leading server sends (`leading`): followers see the same lists (mirrored) and keep
 * what they saw up to date without sending, so a server that takes over does not repeat what the
 * previous leader already told. The `webhook-id` of a message is derived from the team, the alert
 * and the change, so a receiver can drop one sent twice across a handover.
 *
 * Quiet hours: changes are held, and one summary goes out at the first `tick` (or change) after
 * they end. Held changes live in memory: a restart or a handover during quiet hours loses them.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../contracts/clock.js';
import type { OpsConfig, TeamConfig } from '../../contracts/config.js';
import type { Alert } from '../../contracts/alerts.js';
import { chatSecretEnv } from '../webhook-secrets.js';
import { noticeMessage, summaryMessage, type ChatMessage, type ChatNotice } from './chat-message.js';
import type { ChatPost } from './chat-delivery.js';
import { isQuiet } from './quiet-hours.js';

export interface ChatNotifierOptions {
  config: OpsConfig;
  /** Domain time: quiet hours and the instants in summaries. */
  clock: Clock;
  /** Whether this server runs the alerting now (several servers: only the leader sends). */
  leading(): boolean;
  /** Hands a message to delivery; returns at once. */
  send(post: ChatPost): void;
  logger: { info(obj: object, msg?: string): void };
}

/** What a change is compared against: the alert's state and how many acknowledgements it had. */
interface Seen {
  state: string;
  acks: number;
  /** State changes seen so far: covered and firing again keep `updated_at`, yet need their own id. */
  turns: number;
}

type ChatTeam = TeamConfig & { chat: NonNullable<TeamConfig['chat']> };

export class ChatNotifier {
  private readonly seen = new Map<string, Seen>();
  private readonly held = new Map<string, ChatNotice[]>();
  private readonly teams: ChatTeam[];

  /** `current`: the alerts as they stand (restored from the store): told already, not again. */
  constructor(private readonly o: ChatNotifierOptions, current: readonly Alert[] = []) {
    this.teams = o.config.teams.filter((t): t is ChatTeam => t.chat !== undefined);
    for (const a of current) this.seen.set(a.id, seenOf(a, undefined));
  }

  /** Whether any team has a chat channel. */
  get enabled(): boolean {
    return this.teams.length > 0;
  }

  /** Takes the alerting's whole list after a change; sends (or holds) what is new. */
  observe(alerts: readonly Alert[]): void {
    const notices: ChatNotice[] = [];
    const now = this.o.clock();
    const listed = new Set<string>();
    for (const a of alerts) {
      listed.add(a.id);
      const before = this.seen.get(a.id);
      const after = seenOf(a, before);
      this.seen.set(a.id, after);
      notices.push(...changesOf(a, before, after, now));
    }
    for (const id of this.seen.keys()) if (!listed.has(id)) this.seen.delete(id);
    if (!this.o.leading()) return;
    for (const team of this.teams) {
      const mine = notices.filter((n) => team.queues.includes(n.queue));
      if (mine.length === 0) continue;
      if (isQuiet(team.chat.quiet_hours, now)) {
        this.held.set(team.id, [...(this.held.get(team.id) ?? []), ...mine]);
        continue;
      }
      this.flush(team, now);
      for (const n of mine) this.post(team, messageId(team.id, n.key), noticeMessage(this.o.config, n));
    }
  }

  /** Sends the summary of every team whose quiet hours ended; call it every minute or so. */
  tick(): void {
    const now = this.o.clock();
    for (const team of this.teams) {
      if (!this.held.has(team.id) || isQuiet(team.chat.quiet_hours, now)) continue;
      if (!this.o.leading()) {
        // NOTE: the new leader tells what changes from now on; what this server held is not its to send.
        this.o.logger.info({ team: team.id, held: this.held.get(team.id)!.length }, 'chat: held changes dropped, this server no longer leads');
        this.held.delete(team.id);
        continue;
      }
      this.flush(team, now);
    }
  }

  /** Changes held for a team (tests and the log). */
  heldFor(team: string): readonly ChatNotice[] {
    return this.held.get(team) ?? [];
  }

  private flush(team: ChatTeam, now: number): void {
    const held = this.held.get(team.id);
    if (!held || !team.chat.quiet_hours) return;
    this.held.delete(team.id);
    this.post(team, messageId(team.id, `quiet\u0000${held[0].at}\u0000${now}`), summaryMessage(this.o.config, team.chat.quiet_hours, held));
  }

  private post(team: ChatTeam, id: string, message: ChatMessage): void {
    this.o.send({ team: team.id, url: team.chat.webhook_url, secretEnv: chatSecretEnv(team), id, body: JSON.stringify(message) });
  }
}

/** A firing alert whose committed agents meet the shortfall reads as `covered` (its guidance). */
function seenOf(a: Alert, before: Seen | undefined): Seen {
  const covered = a.state === 'firing' && a.guidance?.status === 'covered';
  const state = covered ? 'covered' : a.state;
  return { state, acks: a.acknowledgements.length, turns: (before?.turns ?? 0) + (before && before.state !== state ? 1 : 0) };
}

/** What a team is told about one alert: its new state (not `pending`), then a new acknowledgement. */
function changesOf(a: Alert, before: Seen | undefined, after: Seen, now: number): ChatNotice[] {
  const base = { alertId: a.id, queue: a.queue, at: now, agentsNeeded: a.measures.agents_needed, staffedAgents: a.measures.staffed_agents, committed: a.guidance?.committed };
  const out: ChatNotice[] = [];
  // NOTE: keys from the alert's own instants, not this server's clock: every server derives the same message id.
  if (after.state !== 'pending' && after.state !== before?.state) out.push({ ...base, change: after.state, key: `${a.id}\u0000${after.state}\u0000${a.updated_at}\u0000${after.turns}` });
  const ack = a.acknowledged;
  if (before && after.acks > before.acks && ack) out.push({ ...base, change: 'acknowledged', by: ack.by, key: `${a.id}\u0000ack\u0000${ack.at}\u0000${ack.by}` });
  return out;
}

/** A `webhook-id` safe in a header whatever the ids hold, the same for the same change. */
function messageId(team: string, key: string): string {
  return `msg_${createHash('sha256').update(`${team}\u0000${key}`).digest('hex').slice(0, 32)}`;
}
