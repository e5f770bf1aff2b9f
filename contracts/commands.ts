/**
 * What a follower forwards to the leading server (issue 10, several servers): a partner's answer
 * or a lead's acknowledgement that landed on it behind the load balancer, checked there first, and
 * the leader's reply. They travel over Kafka (`ops.commands`, `ops.command-replies`); one zod
 * schema per shape, validated where they are read.
 */
import { z } from 'zod';
import { ERROR_KINDS } from './errors.js';

/** Who made the call, as the follower authenticated it. */
export const forwardedPrincipalSchema = z.strictObject({
  name: z.string(),
  role: z.string(),
  team: z.string().optional(),
  teams: z.array(z.string()).optional(),
  sites: z.array(z.string()).optional(),
});

const common = {
  /** Correlates the reply. */
  id: z.string().min(1),
  /** The deployment (ClickHouse database) both servers belong to; others ignore it. */
  deployment: z.string(),
  /** The server that waits for the reply (the key of the reply). */
  reply_to: z.string().min(1),
  /** Wall-clock ms after which the sender has given up (answered 503): the leader drops it. */
  expires_at: z.number(),
  principal: forwardedPrincipalSchema,
};

export const forwardedCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('capacity.respond'), request_id: z.string(), body: z.unknown(), ...common }),
  z.strictObject({ type: z.literal('alert.ack'), alert_id: z.string(), comment: z.string().optional(), ...common }),
]);
export type ForwardedCommand = z.infer<typeof forwardedCommandSchema>;

/** The leader's reply: the result as the HTTP call would answer it, or the domain error it threw. */
export const commandReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.string(), ok: z.literal(false), kind: z.enum(ERROR_KINDS), message: z.string(), details: z.unknown().optional() }),
]);
export type CommandReply = z.infer<typeof commandReplySchema>;
