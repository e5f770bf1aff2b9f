/**
 * The demo's partners: webhook endpoints at `/demo/partners/<team>/capacity`, where the shipped
 * configuration points its partners' `webhook_url`. Each verifies the Standard Webhooks signature
 * with its own secret, takes the request (202), and answers it later through the real API
 * (`POST /api/capacity-requests/:id/response`) after a realistic delay: accepting, partly
 * accepting or declining. The agents it commits join the simulated queue until `window_end`,
 * through the simulator, which announces them as `staffing.updated`.
 */
import express from 'express';
import { Webhook } from 'standardwebhooks';
import { capacityWebhookSchema, type CapacityDecision, type CapacityWebhook } from '../contracts/alerts.js';
import type { OpsConfig } from '../contracts/config.js';
import type { Simulator } from './simulator.js';

/** How a demo partner tends to answer: chances of accepting and of a partial answer (the rest declines). */
export interface PartnerTemper {
  accept: number;
  partial: number;
}

/** Northwind says yes readily; Meridian is busier. Others: in between. */
export const PARTNER_TEMPERS: Record<string, PartnerTemper> = {
  'partner-northwind': { accept: 0.6, partial: 0.25 },
  'partner-meridian': { accept: 0.45, partial: 0.3 },
};
const DEFAULT_TEMPER: PartnerTemper = { accept: 0.5, partial: 0.3 };

export interface DemoPartnersOptions {
  config: OpsConfig;
  /** A partner's webhook secret by the name of its environment variable. */
  secret(envName: string): string | undefined;
  simulator: Pick<Simulator, 'addAgents'>;
  /** The server's own URL, where the answers go (known once it listens). */
  serverUrl(): string;
  /** The bearer token a partner answers with, when the server has access control. */
  token?(team: string): string | undefined;
  /** Delay before answering, uniform in [min, max] ms (default 20 s to 2 min). */
  delayMs?: [number, number];
  random?: () => number;
  fetch?: typeof fetch;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface DemoPartners {
  router: express.Router;
  /** Cancels answers not given yet. */
  close(): void;
}

/**
 * Verifies a Standard Webhooks delivery as a real partner would, with its own copy of the secret,
 * and returns the body parsed; throws when the signature does not match or the timestamp is more
 * than 5 minutes off. A secret starting with `whsec_` is the Standard Webhooks form (base64 after
 * the prefix); any other value is used as its raw UTF-8 bytes.
 */
export function verifyPartnerWebhook(secret: string, body: string, headers: Record<string, string | string[] | undefined>): unknown {
  const webhook = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(' ') : v;
  return webhook.verify(body, flat);
}

/** Creates the demo partners' endpoints (mount at `/demo/partners`). */
export function createDemoPartners(o: DemoPartnersOptions): DemoPartners {
  const random = o.random ?? Math.random;
  const doFetch = o.fetch ?? globalThis.fetch;
  const [minDelay, maxDelay] = o.delayMs ?? [20_000, 120_000];
  const seen = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;
  const router = express.Router();

  router.post('/:team/capacity', express.text({ type: () => true, limit: '64kb' }), (req, res) => {
    const team = o.config.teamIndex.get(String(req.params.team));
    const capacity = team?.kind === 'partner' ? team.capacity : undefined;
    if (!team || !capacity) return void res.status(404).json({ error: 'no such demo partner' });
    const secret = o.secret(capacity.secret_env);
    const body = typeof req.body === 'string' ? req.body : '';
    let request: CapacityWebhook;
    try {
      if (!secret) throw new Error(`${capacity.secret_env} is not set`);
      request = capacityWebhookSchema.parse(verifyPartnerWebhook(secret, body, req.headers));
    } catch (err) {
      o.logger.warn({ partner: team.id, error: (err as Error).message }, 'demo partner: refused a webhook that does not verify');
      return void res.status(401).json({ error: 'signature does not verify' });
    }
    // A retried delivery carries the same webhook-id: one answer per request.
    const id = String(req.headers['webhook-id']);
    if (seen.has(id)) return void res.status(200).json({ received: true, duplicate: true });
    seen.add(id);
    res.status(202).json({ received: true });
    if (closed) return;
    const delay = minDelay + (maxDelay - minDelay) * random();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void answer(team.id, request).catch((err: unknown) => o.logger.warn({ partner: team.id, err }, 'demo partner: answer failed'));
    }, delay);
    timer.unref?.();
    timers.add(timer);
    o.logger.info({ partner: team.id, request: request.request_id, agents: request.agents_requested, answer_in_s: Math.round(delay / 1000) }, 'demo partner: capacity request received');
  });

  async function answer(team: string, request: CapacityWebhook): Promise<void> {
    const temper = PARTNER_TEMPERS[team] ?? DEFAULT_TEMPER;
    const roll = random();
    const asked = request.agents_requested;
    let decision: CapacityDecision = roll < temper.accept ? 'accepted' : roll < temper.accept + temper.partial ? 'partial' : 'declined';
    if (decision === 'partial' && asked < 2) decision = 'accepted';
    const committed = decision === 'accepted' ? asked : decision === 'partial' ? Math.max(1, Math.min(asked - 1, Math.round(asked * (0.3 + 0.5 * random())))) : 0;
    const token = o.token?.(team);
    const res = await doFetch(`${o.serverUrl()}/api/capacity-requests/${encodeURIComponent(request.request_id)}/response`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ decision, agents_committed: committed }),
    });
    if (!res.ok) {
      o.logger.warn({ partner: team, request: request.request_id, status: res.status, body: await res.text() }, 'demo partner: the server refused the answer');
      return;
    }
    o.logger.info({ partner: team, request: request.request_id, decision, agents_committed: committed }, 'demo partner: answered');
    if (committed > 0) o.simulator.addAgents(team, request.queue, committed, Date.parse(request.window_end));
  }

  return {
    router,
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
