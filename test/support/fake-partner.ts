/**
 * A partner's webhook endpoint on loopback for tests: verifies every Standard Webhooks signature
 * (401 when it does not verify), records each delivery, and answers as scripted ('hang': never).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../server/capacity/signing.js';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

export interface FakePartner {
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

export async function startFakePartner(secret: string, answer: (n: number) => number | 'hang' = () => 200): Promise<FakePartner> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let verified = true;
      try {
        verifyWebhook(secret, body, req.headers);
      } catch {
        verified = false;
      }
      deliveries.push({ headers: req.headers, body, verified });
      const status = answer(deliveries.length);
      if (status === 'hang') return; // never answers: the sender times out
      res.writeHead(verified ? status : 401, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/capacity`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // a hanging request would hold close() forever
        server.close(() => resolve());
      }),
  };
}
