/**
 * Chat notifications wired in the product (server/product.ts): real events make real demand peaks
 * fire, and each team's chat receiver (on 127.0.0.1, verifying signatures with `standardwebhooks`)
 * gets one message about its own queue, signed with the secret from CHAT_SECRET_<TEAM>.
 */
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../contracts/config.js';
import type { AuditRecord } from '../contracts/audit.js';
import type { OpsEvent } from '../contracts/events.js';
import { createProduct, type Product } from '../server/product.js';
import { chatSecret, startChatReceiver, type ChatReceiver } from './support/chat-receiver.js';

const T0 = Date.parse('2026-11-26T09:00:00.000Z');
let now = T0;
let product: Product;
let a: ChatReceiver;
let b: ChatReceiver;

beforeAll(async () => {
  const secrets: Record<string, string> = { CHAT_SECRET_INHOUSE_A: chatSecret(), CHAT_SECRET_INHOUSE_B: chatSecret() };
  [a, b] = await Promise.all([startChatReceiver(secrets.CHAT_SECRET_INHOUSE_A), startChatReceiver(secrets.CHAT_SECRET_INHOUSE_B)]);
  const config = parseConfig({
    public_url: 'https://ops.example.org',
    queues: [
      { id: 'registration', name: 'Registration', sla: { target_seconds: 900, goal: 0.9 }, handling_seconds: 300 },
      { id: 'insurance', name: 'Insurance', sla: { target_seconds: 3600, goal: 0.8 }, handling_seconds: 600 },
    ],
    teams: [
      { id: 'inhouse-a', name: 'In-house A', kind: 'inhouse', queues: ['insurance'], chat: { webhook_url: a.url } },
      { id: 'inhouse-b', name: 'In-house B', kind: 'inhouse', queues: ['registration'], chat: { webhook_url: b.url } },
    ],
  });
  product = await createProduct({
    config,
    logger: pino({ level: 'silent' }),
    clock: () => now,
    tickMs: 3_600_000,
    env: { variable: (name) => secrets[name] },
    alerting: { evaluateEveryMs: 3_600_000 },
    chat: { delivery: { baseDelayMs: 5, maxDelayMs: 20 } },
  });
  // Both queues: 3 agents, then 60 tasks in the last 15 minutes that nobody starts.
  const events: OpsEvent[] = [];
  for (const [queue, team] of [['registration', 'inhouse-b'], ['insurance', 'inhouse-a']] as const) {
    events.push({ event_id: `st-${queue}`, type: 'staffing.updated', occurred_at: new Date(T0 - 3 * 3600_000).toISOString(), queue, team, agents: 3 });
    for (let i = 0; i < 60; i++) {
      events.push({ event_id: `${queue}-${i}`, type: 'task.created', occurred_at: new Date(T0 - 15 * 60_000 + i * 15_000).toISOString(), queue, task_id: `${queue}-${i}` });
    }
  }
  await product.store.apply(events);
});

afterAll(async () => {
  await product?.stop();
  await Promise.all([a?.close(), b?.close()]);
});

it('the leading product tells each team of its own queue once when the peak fires', async () => {
  product.start();
  while (!product.leadership.leading()) await new Promise((resolve) => setTimeout(resolve, 10));
  await product.alerting.evaluate();
  now += 2 * 60_000;
  await product.alerting.evaluate();
  now += 15_000;
  await product.alerting.evaluate();
  await product.chat.delivery.idle();
  expect(a.delivered().map((r) => r.json.text)).toEqual([expect.stringMatching(/^Insurance: alert firing, short \d+ agents \(needs \d+, has 3\)\.\nLead view: https:\/\/ops\.example\.org\/lead\/queues\/insurance$/)]);
  expect(b.delivered().map((r) => r.json.text)).toEqual([expect.stringMatching(/^Registration: alert firing, short \d+ agents/)]);
  expect([...a.requests, ...b.requests].every((r) => r.verified)).toBe(true);
});

it('puts a chat message the receiver refuses on the audit trail, as a capacity give-up is', async () => {
  const alert = product.alerting.alerts().find((x) => x.queue === 'registration' && x.state !== 'resolved')!;
  b.failNext(410);
  await product.alerting.acknowledge(alert.id, { name: 'lead-anna', role: 'lead' }, undefined);
  await product.chat.delivery.idle();
  const refused = b.requests.at(-1)!;
  expect(refused.status).toBe(410);
  // NOTE: the record is appended after the give-up, without being awaited by the delivery.
  let records: AuditRecord[] = [];
  for (let i = 0; i < 100 && records.length === 0; i++) {
    records = await product.auditLog.query({ action: 'chat.undeliverable', limit: 10 });
    if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(records).toEqual([
    expect.objectContaining({
      actor: 'system',
      role: 'system',
      target: refused.id,
      details: { team: 'inhouse-b', message_id: refused.id, attempts: 1, last_error: 'the partner refused the webhook: HTTP 410' },
    }),
  ]);
});
