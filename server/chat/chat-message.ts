/**
 * What a team's chat channel receives: Slack-compatible JSON (`text` for notifications and
 * clients without blocks, `blocks` for the message itself). Built only from ids, names from the
 * config and numbers: never an alert's summary or an acknowledgement's comment, which may hold
 * free text a person typed.
 */
import type { OpsConfig } from '../../contracts/config.js';
import { localClockTime, type QuietHours } from './quiet-hours.js';

/** One alert change a team is told about: `firing`, `covered` (committed agents meet the shortfall), `acknowledged`, `resolved`, or a state added later. */
export interface ChatNotice {
  alertId: string;
  queue: string;
  change: string;
  /** Domain time the change was seen (ms). */
  at: number;
  /** What makes the message's `webhook-id`: the same on every server for the same change. */
  key: string;
  agentsNeeded: number;
  staffedAgents: number;
  /** Agents partners committed to a firing alert (its guidance), when known. */
  committed?: number;
  /** The access name (from the config) that acknowledged; `acknowledged` only. */
  by?: string;
}

export interface ChatBlock {
  type: 'section' | 'context';
  text?: { type: 'mrkdwn'; text: string };
  elements?: { type: 'mrkdwn'; text: string }[];
}

export interface ChatMessage {
  text: string;
  blocks: ChatBlock[];
}

const STATE_WORDS: Record<string, string> = {
  firing: 'alert firing',
  covered: 'alert covered, recovering',
  acknowledged: 'alert acknowledged',
  resolved: 'alert resolved',
};

/** The words for a change; a state added to the alert contract later reads as itself. */
function stateWords(change: string): string {
  return STATE_WORDS[change] ?? `alert ${change.replace(/[^a-z-]/g, '')}`;
}

/** Slack mrkdwn treats `&`, `<` and `>` as markup: names from the config are escaped. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The lead view of a queue, when the config knows where people open this server. */
export function leadLink(config: Pick<OpsConfig, 'public_url'>, queue: string): string | undefined {
  if (!config.public_url) return undefined;
  return `${config.public_url.replace(/\/+$/, '')}/lead/queues/${encodeURIComponent(queue)}`;
}

/** "short 6 agents (needs 40, has 34)" or "no shortfall (needs 30, has 34)". */
function shortfallWords(n: Pick<ChatNotice, 'agentsNeeded' | 'staffedAgents' | 'committed'>): string {
  const short = n.agentsNeeded - n.staffedAgents;
  const head = short > 0 ? `short ${short} agent${short === 1 ? '' : 's'}` : 'no shortfall';
  const committed = n.committed ? `, ${n.committed} committed by partners` : '';
  return `${head} (needs ${n.agentsNeeded}, has ${n.staffedAgents}${committed})`;
}

function queueName(config: Pick<OpsConfig, 'queueIndex'>, queue: string): string {
  return config.queueIndex.get(queue)?.name ?? queue;
}

function message(lines: string[], link: string | undefined): ChatMessage {
  // NOTE: Slack reads `text` as markup too: a name holding `<!channel>` must not ping a whole channel.
  const body = lines.map(escape).join('\n');
  const text = link ? `${body}\nLead view: ${link}` : body;
  const blocks: ChatBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: body } }];
  if (link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Open the lead view>` }] });
  return { text, blocks };
}

/** The message for one alert change. */
export function noticeMessage(config: Pick<OpsConfig, 'queueIndex' | 'public_url'>, n: ChatNotice): ChatMessage {
  const by = n.change === 'acknowledged' && n.by ? ` by ${n.by}` : '';
  return message([`${queueName(config, n.queue)}: ${stateWords(n.change)}${by}, ${shortfallWords(n)}.`], leadLink(config, n.queue));
}

/**
 * The one message sent when quiet hours end: how many changes were held, then one line per alert
 * with its changes at local time and where it stood last.
 */
export function summaryMessage(config: Pick<OpsConfig, 'queueIndex' | 'public_url'>, quiet: QuietHours, held: readonly ChatNotice[]): ChatMessage {
  const byAlert = new Map<string, ChatNotice[]>();
  for (const n of held) byAlert.set(n.alertId, [...(byAlert.get(n.alertId) ?? []), n]);
  const queues = new Set(held.map((n) => n.queue));
  const lines = [
    `Quiet hours ended (${quiet.from}-${quiet.to} ${quiet.timezone}): ${held.length} alert change${held.length === 1 ? '' : 's'} held on ${queues.size} queue${queues.size === 1 ? '' : 's'}.`,
  ];
  for (const notices of byAlert.values()) {
    const last = notices[notices.length - 1];
    const steps = notices.map((n) => `${n.change} ${localClockTime(n.at, quiet.timezone)}`).join(', ');
    lines.push(`${queueName(config, last.queue)}: ${steps}; last ${shortfallWords(last)}.`);
  }
  const only = queues.size === 1 ? leadLink(config, [...queues][0]) : config.public_url && `${config.public_url.replace(/\/+$/, '')}/lead`;
  return message(lines, only || undefined);
}
