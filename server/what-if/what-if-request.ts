/**
 * The body of `POST /api/what-if` (SPEC section 12): a period, a seed and one to four scenarios,
 * each naming the queues it changes. Errors name the field (`scenarios.0.queues.billing.agents`).
 * Whether a named queue exists or may go to partners is the engine's check (it knows the queues);
 * whether a dropped partner is one, the route's (it knows the teams).
 */
import { z } from 'zod';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues, MAX_REASON_LENGTH } from '../../contracts/issues.js';

/** The longest period one request may replay. */
export const MAX_WHAT_IF_DAYS = 31;
export const MAX_SCENARIOS = 4;
export const MAX_FIXED_AGENTS = 10_000;
export const MAX_DROPPED_PARTNERS = 50;

const queueScenarioSchema = z.strictObject({
  agents: z.union([z.literal('recorded'), z.literal('erlang'), z.int().min(0).max(MAX_FIXED_AGENTS)], {
    error: `must be "recorded", "erlang" or a whole number of agents from 0 to ${MAX_FIXED_AGENTS}`,
  }),
  partner_share: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
  queues: z.record(z.string().min(1).max(64), queueScenarioSchema).default({}),
  /** Partners unavailable in this scenario (business continuity): their agents go to the next partner of the queue, else in-house. */
  drop_partners: z.array(z.string().min(1).max(64)).max(MAX_DROPPED_PARTNERS, `must name at most ${MAX_DROPPED_PARTNERS} partners`).optional(),
});

export const whatIfRequestSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    seed: z.int().min(0).max(0xffffffff),
    scenarios: z
      .array(scenarioSchema)
      .min(1, `must hold 1 to ${MAX_SCENARIOS} scenarios`)
      .max(MAX_SCENARIOS, `must hold 1 to ${MAX_SCENARIOS} scenarios`),
  })
  .superRefine((body, ctx) => {
    const span = Date.parse(body.to) - Date.parse(body.from);
    if (Number.isNaN(span)) return; // a malformed date is reported on its own field
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_WHAT_IF_DAYS * 24 * 3600 * 1000) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_WHAT_IF_DAYS} days after from` });
    const seen = new Set<string>();
    body.scenarios.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['scenarios', i, 'name'], message: 'must differ from the other scenarios' });
      seen.add(s.name);
    });
  });

export type WhatIfRequest = z.infer<typeof whatIfRequestSchema>;

/** Parses a request body; throws DomainError('invalid') naming each offending field. */
export function parseWhatIfRequest(body: unknown): WhatIfRequest {
  const parsed = whatIfRequestSchema.safeParse(body);
  if (!parsed.success) throw new DomainError('invalid', describeIssues(parsed.error.issues, { subject: 'body', input: body, maxLength: MAX_REASON_LENGTH }));
  return parsed.data;
}
