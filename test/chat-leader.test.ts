/**
 * Chat notifications on the real alerting, several servers (issue 10) in process: a follower sees
 * the leader's book (mirrored) and sends nothing; once it leads it does not repeat what the
 * previous leader told, and tells what changes from then on (an acknowledgement, without its
 * comment).
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Principal } from '../server/access.js';
import { parseConfig } from '../contracts/config.js';
import { createAlerting } from '../server/alerts/create-alerting.js';
import type { Forward } from '../server/alerts/alerting.js';
import { EmbeddedCapacityStore } from '../server/capacity/capacity-store.js';
import { startChatNotices, type ChatNotices } from '../server/chat/chat-notices.js';
import { firingAlert } from './support/insurance-peak.js';
import { chatSecret, startChatReceiver, type ChatReceiver } from './support/chat-receiver.js';

const NOW = Date.parse('2026-11-26T09:30:00.000Z');
const quiet = { info() {}, warn() {}, error() {} };
const lead: Principal = { name: 'lead-anna', role: 'lead' };

let receiver: ChatReceiver | undefined;
let chat: ChatNotices | undefined;
afterEach(async () => {
  await chat?.close();
  await receiver?.close();
});

it('a follower sends nothing; elected, it tells only what changes from then on', async () => {
  const secret = chatSecret();
  receiver = await startChatReceiver(secret);
  const config = parseConfig({
    queues: [{ id: 'insurance', name: 'Insurance verification', sla: { target_seconds: 14400, goal: 0.9 }, handling_seconds: 600 }],
    teams: [{ id: 'inhouse', name: 'In-house', kind: 'inhouse', queues: ['insurance'], chat: { webhook_url: receiver.url } }],
  });
  const forward: Forward = { acknowledge: vi.fn(), respond: vi.fn() };
  const alerting = await createAlerting({
    config,
    store: { snapshot: async () => ({ generated_at: new Date(NOW).toISOString(), window_minutes: 60, queues: [], totals: {} }) as never, history: async () => ({ points: [] }) as never },
    capacityStore: new EmbeddedCapacityStore(),
    log: { append: async () => new Map() },
    secret: () => undefined,
    clock: () => NOW,
    logger: quiet,
    follow: forward,
  });
  let leading = false;
  chat = startChatNotices({ config, alerting, leading: () => leading, secret: (name) => (name === 'CHAT_SECRET_INHOUSE' ? secret : undefined), clock: () => NOW, logger: quiet });

  const alert = firingAlert(5, NOW, 'demand-peak.insurance.led');
  const tracking = { raisingSince: NOW - 120_000, clearSince: null, lastRaised: NOW, owed: false };
  alerting.mirror({ published_at: NOW, alerts: [{ alert, tracking }], measures: [['insurance', alert.measures]] });
  await chat.delivery.idle();
  expect(receiver.requests).toHaveLength(0);

  // Elected (the loop is not run here: the book stays as relayed).
  leading = true;
  await alerting.lead();
  await alerting.stop();
  await alerting.acknowledge(alert.id, lead, 'called Jane Doe back');
  await chat.delivery.idle();
  expect(receiver.delivered().map((r) => r.json.text)).toEqual(['Insurance verification: alert acknowledged by lead-anna, short 5 agents (needs 33, has 28).']);
  expect(receiver.requests[0].body).not.toContain('Jane');
});
