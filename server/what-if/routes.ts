/**
 * `POST /api/what-if` (SPEC section 12; lead, admin): the body by the request schema (a 400 naming
 * the field), the scenarios checked against the configuration before anything is read (a sensitive
 * queue given to partners is a 400 naming the queue), the period within the retention and holding
 * data (else a 400 or 404 saying so), then the store's recorded period replayed under each scenario.
 */
import express from 'express';
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import type { AccessControl } from '../access.js';
import { requireRole } from '../require-role.js';
import { principalQueues } from '../views.js';
import { hasData, readPeriodFacts } from './period-from-store.js';
import { checkRequest, whatIfAnswer } from './what-if-answer.js';
import { parseWhatIfRequest } from './what-if-request.js';

export interface WhatIfRouterDeps {
  config: OpsConfig;
  store: Pick<MetricsStore, 'periodTasks' | 'staffingHistory'>;
  access: AccessControl;
  clock: () => number;
  /** RETENTION_DAYS: how far back events are kept (default 35). */
  retentionDays?: number;
}

const DAY_MS = 24 * 3600_000;
/** Four scenarios naming every queue of a large network fit well within this. */
const json = express.json({ type: () => true, limit: '256kb' });

/** The router, mounted under `/api`. */
export function whatIfRouter(deps: WhatIfRouterDeps): express.Router {
  const router = express.Router();
  router.post('/what-if', requireRole(deps.access, 'lead'), json, (req, res, next) => {
    answer(deps, req.body, principalQueues(deps.config, req.principal!))
      .then((body) => res.json(body))
      .catch(next);
  });
  return router;
}

/**
 * The answer; `allowed` (a lead limited to teams or sites) narrows it to those queues: a scenario
 * naming another is refused, and the others' tasks and staffing are left out of the replay, so no
 * figure, total or calibration says anything of them.
 */
async function answer(deps: WhatIfRouterDeps, body: unknown, allowed: ReadonlySet<string> | undefined) {
  const request = parseWhatIfRequest(body);
  if (allowed) {
    request.scenarios.forEach((s, i) => {
      if (Object.keys(s.queues).some((q) => !allowed.has(q))) {
        throw new DomainError('forbidden', `scenarios.${i}.queues: names a queue this token may not see`);
      }
    });
  }
  const fromMs = Date.parse(request.from);
  const toMs = Date.parse(request.to);
  checkRequest(deps.config, request, fromMs, toMs);
  const now = deps.clock();
  const days = deps.retentionDays ?? 35;
  if (fromMs < now - days * DAY_MS) {
    throw new DomainError('invalid', `from: the period starts before the retention period (${days} days): the events of then are no longer kept`);
  }
  if (toMs > now) throw new DomainError('invalid', 'to: must not be in the future (a period replays what was recorded)');
  const read = await readPeriodFacts(deps.store, fromMs, toMs);
  const facts = allowed ? { ...read, tasks: read.tasks.filter((t) => allowed.has(t.queue)), staffing: read.staffing.filter((c) => allowed.has(c.queue)) } : read;
  if (!hasData(facts)) throw new DomainError('not_found', 'nothing was recorded in this period: no task was created and no agent was on duty between from and to');
  const full = whatIfAnswer(deps.config, facts, request);
  if (!allowed) return full;
  return {
    ...full,
    calibration: { queues: full.calibration.queues.filter((q) => allowed.has(q.queue)) },
    scenarios: full.scenarios.map((s) => ({ ...s, queues: s.queues.filter((q) => allowed.has(q.queue)) })),
  };
}
