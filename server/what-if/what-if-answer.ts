/**
 * SPEC 12's answer from what the store recorded: the calibration replays the period as recorded,
 * and each scenario replays the period with its dropped partners' agents moved (a partner share
 * left with no partner to take it stays in-house). Pure given the facts: the same request and seed
 * give the same answer.
 */
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { isOpaqueId } from '../../contracts/issues.js';
import { calibrate, replay } from './replay.js';
import { partnerRemains, periodOf, type PeriodFacts } from './period-from-store.js';
import type { QueueScenario, RecordedPeriod, ScenarioOutcome, WhatIfAnswer } from './what-if-types.js';
import type { WhatIfRequest } from './what-if-request.js';

/** A scenario outcome, with the partners it dropped when it dropped any. */
export type WhatIfScenarioOutcome = ScenarioOutcome & { drop_partners?: string[] };

export type WhatIfStoreAnswer = Omit<WhatIfAnswer, 'scenarios'> & { scenarios: WhatIfScenarioOutcome[] };

/** An empty period of the configured queues: the engine's checks of a scenario, before any read. */
export function emptyPeriod(config: OpsConfig, fromMs: number, toMs: number): RecordedPeriod {
  return periodOf({ fromMs, toMs, tasks: [], staffing: [] }, config).period;
}

/**
 * Throws DomainError('invalid') naming the field of the first scenario that cannot apply: an
 * unknown queue, a sensitive queue with a partner share, a dropped team that is no partner.
 */
export function checkRequest(config: OpsConfig, request: WhatIfRequest, fromMs: number, toMs: number): void {
  request.scenarios.forEach((s, i) => {
    s.drop_partners?.forEach((team, j) => {
      if (config.teamIndex.get(team)?.kind === 'partner') return;
      const shown = isOpaqueId(team) && config.teamIndex.has(team) ? ` ("${team}" is an in-house team)` : '';
      throw new DomainError('invalid', `scenarios.${i}.drop_partners.${j}: not a partner team of the configuration${shown}`, { scenario: i });
    });
  });
  replay(emptyPeriod(config, fromMs, toMs), request.scenarios, request.seed);
}

/** The whole answer of SPEC 12 over the facts read for the request's period. */
export function whatIfAnswer(config: OpsConfig, facts: PeriodFacts, request: WhatIfRequest): WhatIfStoreAnswer {
  const asRecorded = periodOf(facts, config);
  const scenarios = request.scenarios.map((s): WhatIfScenarioOutcome => {
    const dropped = new Set(s.drop_partners ?? []);
    if (dropped.size === 0) return replay(asRecorded.period, [s], request.seed)[0];
    const queues: Record<string, QueueScenario> = {};
    for (const [id, choice] of Object.entries(s.queues)) {
      // NOTE: the share of a queue whose every partner is dropped has nobody to go to: it stays in-house.
      queues[id] = choice.partner_share !== undefined && !partnerRemains(config, id, dropped) ? { ...choice, partner_share: 0 } : choice;
    }
    const [outcome] = replay(periodOf(facts, config, dropped).period, [{ name: s.name, queues }], request.seed);
    return { ...outcome, drop_partners: [...dropped] };
  });
  return {
    from: new Date(facts.fromMs).toISOString(),
    to: new Date(facts.toMs).toISOString(),
    calibration: { queues: calibrate(asRecorded.period, asRecorded.measuredSlaByQueue, request.seed) },
    scenarios,
  };
}
