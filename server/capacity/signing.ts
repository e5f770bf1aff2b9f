/**
 * Standard Webhooks signing (SPEC section 6) with the `standardwebhooks` package: headers
 * `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 of
 * HMAC-SHA256(secret, "id.timestamp.body")>`.
 *
 * Secrets: a value starting with `whsec_` is the Standard Webhooks form (base64 after the prefix);
 * any other value is used as its raw UTF-8 bytes. Partners verify with the same rule.
 */
import { Webhook } from 'standardwebhooks';

// NOTE: a type, not an interface, so that it fits wherever plain header records go.
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** A Webhook signer/verifier for a secret as it comes from the environment. */
export function webhookFor(secret: string): Webhook {
  if (secret.startsWith('whsec_')) return new Webhook(secret);
  return new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
}

/** The three headers that sign `body` as message `id` sent at `at`. */
export function signWebhook(secret: string, id: string, at: Date, body: string): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhookFor(secret).sign(id, at, body),
  };
}

/**
 * Verifies a signed body and returns it parsed; throws when the signature does not match or the
 * timestamp is more than 5 minutes off (a replay).
 */
export function verifyWebhook(secret: string, body: string, headers: Record<string, string | string[] | undefined>): unknown {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(' ') : v;
  return webhookFor(secret).verify(body, flat);
}

/** A fresh secret in the Standard Webhooks form (for the demo, when the environment sets none). */
export function generateSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}
