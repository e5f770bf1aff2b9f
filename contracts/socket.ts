/**
 * The Socket.IO contract (SPEC section 5), typed on both ends: the server uses
 * `Server<ClientToServerEvents, ServerToClientEvents>`, the client `Socket<ServerToClientEvents,
 * ClientToServerEvents>`. Event names are `domain:verb`, except `subscribe`, which SPEC names.
 */
import { z } from 'zod';
import type { MetricsSnapshot } from './metrics-snapshot.js';
import type { Alert, CapacityRequest } from './alerts.js';
import type { Role } from './config.js';

export const subscribeSchema = z.strictObject({
  view: z.enum(['wall', 'lead']),
  queues: z.array(z.string().min(1)).max(100).optional(),
  teams: z.array(z.string().min(1)).max(100).optional(),
  /** A site id of the config (`?site=` of the wall and the lead view): that site's queues only. */
  site: z.string().min(1).max(200).optional(),
});
export type SubscribeRequest = z.infer<typeof subscribeSchema>;

export type SubscribeAck = { ok: true; view: string } | { ok: false; error: string };

export interface ClientToServerEvents {
  subscribe(request: SubscribeRequest, ack?: (result: SubscribeAck) => void): void;
}

/**
 * `alerts:update` and `capacity:update` carry the whole current list of the view's queues (open
 * and recent alerts; capacity requests newest first), sent on subscribe and whenever it changes:
 * a screen replaces what it holds.
 */
export interface ServerToClientEvents {
  'metrics:snapshot'(snapshot: MetricsSnapshot): void;
  'alerts:update'(alerts: Alert[]): void;
  'capacity:update'(requests: CapacityRequest[]): void;
}

/** What the server keeps of a socket's principal after the handshake. */
export interface SocketData {
  role: Role | 'open';
  name: string;
  teams?: string[];
  sites?: string[];
}
