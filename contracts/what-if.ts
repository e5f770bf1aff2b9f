/**
 * The operating-model what-if as the lead view reads it (SPEC section 12): the answer of
 * `POST /api/what-if`, and `GET /api/what-if/setup?period=24h|7d`, what a lead starts from (the
 * period, the queues with whether they may go to partners, the four presets of issue 11).
 */
import { z } from 'zod';

/** The periods the what-if page offers: the last 24 hours or the last 7 days. */
export const WHAT_IF_PERIODS = ['24h', '7d'] as const;
export type WhatIfPeriod = (typeof WHAT_IF_PERIODS)[number];

export const WHAT_IF_PERIOD_MS: Record<WhatIfPeriod, number> = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 };

const share = z.number().min(0).max(1);
const instant = z.iso.datetime({ offset: true });
const amount = z.number().min(0);

/** `agents`: recorded staffing, Erlang C per 15 minutes, or a fixed number. */
export const agentsChoiceSchema = z.union([z.literal('recorded'), z.literal('erlang'), z.int().min(0)]);
export type AgentsChoice = z.infer<typeof agentsChoiceSchema>;

export const queueScenarioSchema = z.strictObject({ agents: agentsChoiceSchema, partner_share: share.optional() });
export type QueueScenario = z.infer<typeof queueScenarioSchema>;

/** Partners a scenario makes unavailable (business continuity): their agents go to the next partner of the queue, else in-house. */
const dropPartnersSchema = z.array(z.string()).optional();

/** A scenario as the request carries it: queues not named keep `recorded`. */
export const scenarioSchema = z.strictObject({ name: z.string().min(1), queues: z.record(z.string(), queueScenarioSchema), drop_partners: dropPartnersSchema });
export type Scenario = z.infer<typeof scenarioSchema>;

export const queueOutcomeSchema = z.strictObject({
  queue: z.string(),
  tasks: z.int().min(0),
  sla_attainment: share.nullable(),
  wait_p50_seconds: amount.nullable(),
  wait_p90_seconds: amount.nullable(),
  agent_hours_inhouse: amount,
  agent_hours_partner: amount,
  cost: amount,
});
export type QueueOutcome = z.infer<typeof queueOutcomeSchema>;

export const scenarioOutcomeSchema = z.strictObject({
  name: z.string(),
  /** The partners the scenario dropped, when it dropped any. */
  drop_partners: dropPartnersSchema,
  queues: z.array(queueOutcomeSchema),
  totals: z.strictObject({
    tasks: z.int().min(0),
    sla_attainment: share.nullable(),
    agent_hours_inhouse: amount,
    agent_hours_partner: amount,
    cost: amount,
  }),
});
export type ScenarioOutcome = z.infer<typeof scenarioOutcomeSchema>;

/** The answer of `POST /api/what-if`. */
export const whatIfAnswerSchema = z.strictObject({
  from: instant,
  to: instant,
  calibration: z.strictObject({
    queues: z.array(z.strictObject({ queue: z.string(), recorded_sla_attainment: share.nullable(), replayed_sla_attainment: share.nullable() })),
  }),
  scenarios: z.array(scenarioOutcomeSchema),
});
export type WhatIfAnswer = z.infer<typeof whatIfAnswerSchema>;

/** The query of `GET /api/what-if/setup`. */
export const whatIfSetupQuerySchema = z.strictObject({
  period: z.enum(WHAT_IF_PERIODS, { error: 'must be 24h or 7d' }).default('24h'),
});

/** `GET /api/what-if/setup`: the period to send, the queues and the presets derived from its arrivals. */
export const whatIfSetupSchema = z.strictObject({
  period: z.enum(WHAT_IF_PERIODS),
  from: instant,
  to: instant,
  queues: z.array(z.strictObject({ id: z.string(), name: z.string(), sensitive: z.boolean(), arrivals: z.int().min(0) })),
  /** The partner teams a scenario may drop (`drop_partners`), with the queues they are contracted for. */
  partners: z.array(z.strictObject({ id: z.string(), name: z.string(), queues: z.array(z.string()) })),
  presets: z.array(scenarioSchema),
});
export type WhatIfSetup = z.infer<typeof whatIfSetupSchema>;
