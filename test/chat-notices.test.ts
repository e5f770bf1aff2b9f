/**
 * Chat notifications (issue 12 item 6) against fake receivers on 127.0.0.1 that verify every
 * signature with the `standardwebhooks` library: one message per change, to the teams serving
 * the queue only, retried on 5xx, held in quiet hours and summarised when they end, sent by the
 * leading server only, and free of any text a person or an event typed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../contracts/clock.js';
import { parseConfig } from '../contracts/config.js';
import type { PeakMeasures } from '../contracts/alerts.js';
import { AlertBook } from '../server/alerts/alert-book.js';
import type { Verdict } from '../server/alerts/demand-peak.js';
import { startChatNotices, type ChatNotices } from '../server/chat/chat-notices.js';
import { noticeMessage } from '../server/chat/chat-message.js';
import { ChatNotifier } from '../server/chat/chat-notifier.js';
import { chatSecret, startChatReceiver, type ChatReceiver } from './support/chat-receiver.js';

const DAY = Date.parse('2026-11-30T10:00:00Z'); // 11:00 in Berlin
const NIGHT = Date.parse('2026-11-30T22:00:00Z'); // 23:00 in Berlin
const PATIENT_TEXT = 'Jane Doe MRN 4711 called about her claim';

const measures = (agents_needed: number, staffed_agents: number): PeakMeasures => ({
  agents_needed,
  staffed_agents,
  shortfall: agents_needed - staffed_agents,
  arrivals_last_15m: 72,
  forecast_last_15m: 40,
  forecast_next_60m: 160,
  forecast_method: 'seasonal',
  projected_sla: 0.55,
  sla_goal: 0.9,
  time_to_breach_minutes: 12,
});

function configFor(rcm: ChatReceiver, billing: ChatReceiver, night: ChatReceiver) {
  return parseConfig({
    public_url: 'https://ops.example.org/',
    queues: [
      { id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 },
      { id: 'billing', name: 'Billing', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 },
    ],
    teams: [
      { id: 'inhouse-rcm', name: 'Revenue cycle', kind: 'inhouse', queues: ['insurance'], chat: { webhook_url: rcm.url } },
      { id: 'inhouse-billing', name: 'Billing team', kind: 'inhouse', queues: ['billing'], chat: { webhook_url: billing.url, secret_env: 'BILLING_CHAT' } },
      { id: 'night-desk', name: 'Night desk', kind: 'inhouse', queues: ['insurance'], chat: { webhook_url: night.url, quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' } } },
      { id: 'partner-northwind', name: 'Northwind BPO', kind: 'partner', queues: ['insurance'] },
    ],
  });
}

describe('chat notifications', () => {
  let rcm: ChatReceiver;
  let billing: ChatReceiver;
  let night: ChatReceiver;
  let clock: ReturnType<typeof manualClock>;
  let book: AlertBook;
  let chat: ChatNotices;
  let leading: boolean;
  const listeners = new Set<(alerts: ReturnType<AlertBook['list']>) => void>();
  const announce = () => listeners.forEach((l) => l(book.list()));
  const observe = (queue: string, verdict: Verdict, m = measures(40, 34), summary = 'Insurance verification short') => {
    book.observe({ kind: 'demand-peak', queue, queueName: queue, verdict, measures: m, summary });
    announce();
  };
  const open = (queue: string) => book.openFor('demand-peak', queue)!;

  beforeEach(async () => {
    const secrets = new Map([['CHAT_SECRET_INHOUSE_RCM', chatSecret()], ['BILLING_CHAT', chatSecret()], ['CHAT_SECRET_NIGHT_DESK', chatSecret()]]);
    [rcm, billing, night] = await Promise.all([...secrets.values()].map((s) => startChatReceiver(s)));
    clock = manualClock(DAY);
    book = new AlertBook({ clock, holdMs: 0, clearMs: 0 });
    leading = true;
    listeners.clear();
    chat = startChatNotices({
      config: configFor(rcm, billing, night),
      alerting: { onChange: (l) => (listeners.add(l), () => listeners.delete(l)), alerts: () => book.list() },
      leading: () => leading,
      secret: (name) => secrets.get(name),
      clock,
      delivery: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  });

  afterEach(async () => {
    await chat.close();
    await Promise.all([rcm, billing, night].map((r) => r.close()));
  });

  it('fire: one signed Slack-compatible message naming the queue, the shortfall, the state and the lead view', async () => {
    observe('insurance', 'raise');
    observe('insurance', 'raise'); // still firing: nothing new
    await chat.delivery.idle();
    expect(rcm.requests).toHaveLength(1);
    expect(rcm.delivered()).toHaveLength(1);
    const { json } = rcm.requests[0];
    expect(json.text).toBe('Insurance verification: alert firing, short 6 agents (needs 40, has 34).\nLead view: https://ops.example.org/lead/queues/insurance');
    expect(json.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Insurance verification: alert firing, short 6 agents (needs 40, has 34).' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '<https://ops.example.org/lead/queues/insurance|Open the lead view>' } ] },
    ]);
    expect(night.delivered()).toHaveLength(1);
  });

  it('escapes Slack markup in names from the config', () => {
    const config = parseConfig({
      queues: [{ id: 'q', name: 'Billing & <!channel>', sla: { target_seconds: 600, goal: 0.9 }, handling_seconds: 60 }],
      teams: [{ id: 't', name: 'T', kind: 'inhouse', queues: ['q'] }],
    });
    const message = noticeMessage(config, { alertId: 'a', queue: 'q', change: 'firing', at: DAY, key: 'k', agentsNeeded: 5, staffedAgents: 4 });
    expect(message.text).toBe('Billing &amp; &lt;!channel&gt;: alert firing, short 1 agent (needs 5, has 4).');
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: message.text } }]);
  });

  it('a team not serving the queue gets nothing', async () => {
    observe('insurance', 'raise');
    await chat.delivery.idle();
    expect(billing.requests).toHaveLength(0);
    observe('billing', 'raise', measures(12, 9));
    await chat.delivery.idle();
    expect(billing.delivered().map((r) => r.json.text)).toEqual([expect.stringMatching(/^Billing: alert firing, short 3 agents \(needs 12, has 9\)\./)]);
    expect(rcm.requests).toHaveLength(1);
  });

  it('resolve: one message', async () => {
    observe('insurance', 'raise');
    await chat.delivery.idle();
    clock.advance(20 * 60_000);
    observe('insurance', 'clear', measures(30, 34));
    observe('insurance', 'clear', measures(30, 34));
    await chat.delivery.idle();
    expect(rcm.delivered().map((r) => r.json.text.split('\n')[0])).toEqual([
      'Insurance verification: alert firing, short 6 agents (needs 40, has 34).',
      'Insurance verification: alert resolved, no shortfall (needs 30, has 34).',
    ]);
  });

  it('covered: committed agents meeting the shortfall give one message, losing them one more', async () => {
    observe('insurance', 'raise');
    const guidance = (status: 'firing' | 'covered', committed: number) => ({ status, shortfall: 6, asks: [], committed, pending: 0, unasked: 6 - committed, action: { kind: 'wait' as const, text: 'Jane Doe called' } });
    const withGuidance = (status: 'firing' | 'covered', committed: number) => listeners.forEach((l) => l(book.list().map((a) => ({ ...a, guidance: guidance(status, committed) }))));
    withGuidance('firing', 2);
    withGuidance('covered', 6);
    withGuidance('covered', 6);
    withGuidance('firing', 4);
    await chat.delivery.idle();
    expect(rcm.delivered().map((r) => r.json.text.split('\n')[0])).toEqual([
      'Insurance verification: alert firing, short 6 agents (needs 40, has 34).',
      'Insurance verification: alert covered, recovering, short 6 agents (needs 40, has 34, 6 committed by partners).',
      'Insurance verification: alert firing, short 6 agents (needs 40, has 34, 4 committed by partners).',
    ]);
    expect(new Set(rcm.delivered().map((r) => r.id)).size).toBe(3);
    expect(rcm.requests.map((r) => r.body).join()).not.toContain('Jane');
  });

  it('retries on 500 with the same webhook-id, then succeeds once', async () => {
    rcm.failNext(500, 503);
    observe('insurance', 'raise');
    await chat.delivery.idle();
    expect(rcm.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(new Set(rcm.requests.map((r) => r.id)).size).toBe(1);
    expect(rcm.requests.every((r) => r.verified)).toBe(true);
  });

  it('a refusal (4xx) is not retried, and a later change still goes out', async () => {
    rcm.failNext(404);
    observe('insurance', 'raise');
    clock.advance(60_000);
    observe('insurance', 'clear');
    await chat.delivery.idle();
    expect(rcm.requests.map((r) => [r.status, r.json.text.split(':')[1]])).toEqual([[404, ' alert firing, short 6 agents (needs 40, has 34).\nLead view'], [200, ' alert resolved, short 6 agents (needs 40, has 34).\nLead view']]);
  });

  it('quiet hours: changes are held, and one summary goes out when they end', async () => {
    clock.set(NIGHT);
    observe('insurance', 'raise');
    clock.advance(10 * 60_000);
    book.acknowledge(open('insurance').id, 'lead-anna', PATIENT_TEXT);
    announce();
    clock.set(Date.parse('2026-12-01T01:40:00Z'));
    observe('insurance', 'clear', measures(30, 34));
    await chat.delivery.idle();
    expect(night.requests).toHaveLength(0);
    expect(chat.notifier.heldFor('night-desk')).toHaveLength(3);
    expect(rcm.delivered()).toHaveLength(3); // no quiet hours there

    clock.set(Date.parse('2026-12-01T05:59:00Z')); // 06:59 in Berlin: still quiet
    chat.notifier.tick();
    await chat.delivery.idle();
    expect(night.requests).toHaveLength(0);

    clock.set(Date.parse('2026-12-01T06:00:00Z')); // 07:00 in Berlin
    chat.notifier.tick();
    chat.notifier.tick();
    await chat.delivery.idle();
    expect(night.delivered()).toHaveLength(1);
    expect(night.requests[0].json.text).toBe(
      [
        'Quiet hours ended (22:00-07:00 Europe/Berlin): 3 alert changes held on 1 queue.',
        'Insurance verification: firing 23:00, acknowledged 23:10, resolved 02:40; last no shortfall (needs 30, has 34).',
        'Lead view: https://ops.example.org/lead/queues/insurance',
      ].join('\n'),
    );
    expect(chat.notifier.heldFor('night-desk')).toHaveLength(0);
  });

  it('an acknowledgement names who (from the config) and never carries its comment or any summary text', async () => {
    observe('insurance', 'raise', measures(40, 34), `Insurance verification: ${PATIENT_TEXT}`);
    book.acknowledge(open('insurance').id, 'lead-anna', PATIENT_TEXT);
    announce();
    await chat.delivery.idle();
    const bodies = rcm.delivered().map((r) => r.body);
    expect(bodies).toHaveLength(2);
    expect(rcm.delivered()[1].json.text).toMatch(/^Insurance verification: alert acknowledged by lead-anna, short 6 agents/);
    for (const body of bodies) {
      expect(body).not.toContain('Jane');
      expect(body).not.toContain('4711');
      // Every word is a config name, an id, a number or the message's own.
      const text = (JSON.parse(body) as { text: string }).text;
      expect(text.replace(/https:\/\/\S+/g, '')).toMatch(/^[A-Za-z ]+: alert [a-z ,]+(by lead-anna)?, short \d+ agents \(needs \d+, has \d+\)\.\nLead view: $/);
    }
  });

  it('after a restart, alerts restored as they stood are not told again', () => {
    observe('insurance', 'raise');
    const sent: string[] = [];
    const restarted = new ChatNotifier({ config: configFor(rcm, billing, night), clock, leading: () => true, send: (post) => sent.push(post.body), logger: { info: () => undefined } }, book.list());
    restarted.observe(book.list());
    expect(sent).toEqual([]);
    clock.advance(60_000);
    book.observe({ kind: 'demand-peak', queue: 'insurance', queueName: 'insurance', verdict: 'clear', measures: measures(30, 34), summary: '' });
    restarted.observe(book.list());
    expect(sent.map((body) => (JSON.parse(body) as { text: string }).text.split(',')[0])).toEqual(['Insurance verification: alert resolved', 'Insurance verification: alert resolved']);
  });

  it('only the leading server sends; a server that takes over does not repeat what was told', async () => {
    leading = false;
    observe('insurance', 'raise');
    await chat.delivery.idle();
    expect(rcm.requests).toHaveLength(0);
    leading = true;
    observe('insurance', 'raise', measures(41, 34));
    clock.advance(60_000);
    observe('insurance', 'clear');
    await chat.delivery.idle();
    expect(rcm.delivered().map((r) => r.json.text.split(',')[0])).toEqual(['Insurance verification: alert resolved']);
  });
});
