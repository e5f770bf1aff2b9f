/**
 * The capacity webhook's signature, checked independently of the product (STYLE.md: "signatures
 * checked by tests with an independent HMAC"): node:crypto's createHmac, computed exactly as
 * docs/partners.md tells partners to, never the product's verifier nor the standardwebhooks
 * package. Signed by `signWebhook`, and by a real delivery through `postSigned`.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../server/capacity/signing.js';
import { postSigned } from '../server/capacity/webhook-delivery.js';

/** The key, as docs/partners.md defines it: `whsec_<base64>` is the bytes after the prefix, else the raw UTF-8 bytes. */
function partnerKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))`, as docs/partners.md says. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', partnerKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

/** The `v1` signatures of a `webhook-signature` header (space-separated `v1,<base64>`). */
function v1Signatures(header: string): string[] {
  return header
    .split(' ')
    .map((s) => s.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, value]) => value);
}

const BODY = JSON.stringify({ request_id: 'f3b1c2d4-0000-4000-8000-000000000001', queue: 'insurance', partner: 'partner-northwind', agents_requested: 9 });
const ID = 'f3b1c2d4-0000-4000-8000-000000000001';
const AT = new Date('2026-11-26T09:14:18.733Z');
const WHSEC = `whsec_${Buffer.from('a partner secret of 32 bytes ....').toString('base64')}`;
const RAW = 'raw-secret: not base64, with ümlauts';

describe('signWebhook, checked with an HMAC computed as docs/partners.md says', () => {
  it.each([
    ['a whsec_ secret (base64 after the prefix)', WHSEC],
    ['any other secret (its raw UTF-8 bytes)', RAW],
  ])('%s', (_, secret) => {
    const headers = signWebhook(secret, ID, AT, BODY);
    expect(headers['webhook-id']).toBe(ID);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(AT.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(v1Signatures(headers['webhook-signature'])).toEqual([expectedSignature(secret, ID, headers['webhook-timestamp'], BODY)]);
  });

  it('does not match a tampered body, id, timestamp or secret', () => {
    for (const secret of [WHSEC, RAW]) {
      const headers = signWebhook(secret, ID, AT, BODY);
      const [signature] = v1Signatures(headers['webhook-signature']);
      const ts = headers['webhook-timestamp'];
      expect(expectedSignature(secret, ID, ts, BODY.replace('"agents_requested":9', '"agents_requested":90'))).not.toBe(signature);
      expect(expectedSignature(secret, ID, ts, `${BODY} `)).not.toBe(signature);
      expect(expectedSignature(secret, `${ID}x`, ts, BODY)).not.toBe(signature);
      expect(expectedSignature(secret, ID, String(Number(ts) + 1), BODY)).not.toBe(signature);
      // NOTE: another secret of the same form (appending to a padded base64 secret would not change its bytes).
      const other = secret.startsWith('whsec_') ? `whsec_${Buffer.from('another partner secret, 32 bytes').toString('base64')}` : `${secret}x`;
      expect(expectedSignature(other, ID, ts, BODY)).not.toBe(signature);
    }
  });

  it('keys a whsec_ secret by its decoded bytes, not by the string itself', () => {
    const headers = signWebhook(WHSEC, ID, AT, BODY);
    const asRawString = createHmac('sha256', Buffer.from(WHSEC, 'utf8')).update(`${ID}.${headers['webhook-timestamp']}.${BODY}`).digest('base64');
    expect(v1Signatures(headers['webhook-signature'])).not.toContain(asRawString);
  });

  it('matches for any key, message id, instant and body (random inputs)', () => {
    const secret = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 64 }).map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`),
      fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }).filter((s) => !s.startsWith('whsec_')),
    );
    const instant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(secret, fc.uuid(), instant, fc.string({ unit: 'grapheme', maxLength: 300 }), (s, id, at, body) => {
        const headers = signWebhook(s, id, at, body);
        expect(v1Signatures(headers['webhook-signature'])).toEqual([expectedSignature(s, id, headers['webhook-timestamp'], body)]);
      }),
      { numRuns: 300 },
    );
  });
});

interface Recorded {
  method: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (partners verify before parsing). */
  body: string;
}

describe('a real delivery through postSigned, checked by the receiving end', () => {
  const received: Recorded[] = [];
  let partner: Server;
  let url: string;
  beforeAll(async () => {
    partner = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/capacity`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => partner.close(() => resolve()));
  });

  it.each([
    ['a whsec_ secret', WHSEC],
    ['a raw secret', RAW],
  ])('verifies with %s, and a tampered body does not', async (_, secret) => {
    received.length = 0;
    const at = new Date();
    const outcome = await postSigned({ url, secret, id: ID, body: BODY, at, timeoutMs: 5000, fetch });
    expect(outcome).toEqual({ kind: 'delivered' });
    expect(received).toHaveLength(1);
    const [{ method, headers, body }] = received;
    expect(method).toBe('POST');
    expect(headers['content-type']).toBe('application/json');
    expect(body).toBe(BODY);
    const id = String(headers['webhook-id']);
    const timestamp = String(headers['webhook-timestamp']);
    expect(id).toBe(ID);
    // As a partner does: refuse a timestamp more than 5 minutes from its own clock.
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThanOrEqual(300);
    const signatures = v1Signatures(String(headers['webhook-signature']));
    expect(signatures).toContain(expectedSignature(secret, id, timestamp, body));
    expect(signatures).not.toContain(expectedSignature(secret, id, timestamp, body.replace('insurance', 'billing')));
  });
});
