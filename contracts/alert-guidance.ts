/**
 * What an alert tells the room (issue 12): whether the committed agents cover the shortfall, what is
 * asked of whom, and the one recommended action. Computed by the server for each open firing alert
 * (server/alerts/alert-guidance.ts), shown by the wall's banner.
 */
import { z } from 'zod';

/** What one partner has been asked for an alert, summed over its requests. */
export const partnerAskSchema = z.strictObject({
  partner: z.string(),
  partner_name: z.string(),
  /** Agents asked in all its requests. */
  requested: z.int().min(0),
  /** Agents it committed (accepted or partial answers). */
  committed: z.int().min(0),
  /** Agents asked in requests still awaiting an answer. */
  pending: z.int().min(0),
});
export type PartnerAsk = z.infer<typeof partnerAskSchema>;

export const ACTION_KINDS = ['move', 'call', 'ask', 'wait'] as const;

export const alertGuidanceSchema = z.strictObject({
  /** `firing`: agents still missing; `covered`: committed agents meet the shortfall (recovering). */
  status: z.enum(['firing', 'covered']),
  /** `agents_needed - staffed_agents` at the last evaluation (0 when none). */
  shortfall: z.int().min(0),
  /** Per partner asked, in order of their first request. */
  asks: z.array(partnerAskSchema),
  committed: z.int().min(0),
  pending: z.int().min(0),
  /** What no partner has been asked for yet: `shortfall - committed - pending`, at least 0. */
  unasked: z.int().min(0),
  /** The recommended action, e.g. "move 3 agents from Revenue team B (Billing)". */
  action: z.strictObject({ kind: z.enum(ACTION_KINDS), text: z.string() }),
});
export type AlertGuidance = z.infer<typeof alertGuidanceSchema>;
