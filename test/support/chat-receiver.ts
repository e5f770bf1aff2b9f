/**
 * A fake chat receiver for tests: an HTTP server on 127.0.0.1 that checks every request's
 * Standard Webhooks signature with the `standardwebhooks` library itself (not the product's
 * signing module) and answers with the statuses it is given, then 200.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  status: number;
  /** Whether the signature verified. */
  verified: boolean;
  body: string;
  json: { text: string; blocks: unknown[] };
}

export interface ChatReceiver {
  url: string;
  /** Every request, in order of arrival (retries included). */
  requests: Received[];
  /** The requests answered with 2xx and a good signature. */
  delivered(): Received[];
  /** Answers the next requests with these statuses (then 200 again). */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** Starts a receiver checking signatures made with `secret` (the `whsec_` form). */
export async function startChatReceiver(secret: string): Promise<ChatReceiver> {
  const webhook = new Webhook(secret);
  const requests: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = true;
      try {
        webhook.verify(body, headers);
      } catch {
        verified = false;
      }
      const status = verified ? (statuses.shift() ?? 200) : 401;
      requests.push({ id: headers['webhook-id'], status, verified, body, json: JSON.parse(body) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/chat`,
    requests,
    delivered: () => requests.filter((r) => r.verified && r.status >= 200 && r.status < 300),
    failNext: (...s) => statuses.push(...s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fresh secret in the Standard Webhooks form. */
export function chatSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64')}`;
}
