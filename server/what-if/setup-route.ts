/**
 * `GET /api/what-if/setup?period=24h|7d` (lead, admin): what the what-if page starts from. The
 * period (the last 24 hours or 7 days, to the current minute), the queues with whether they are
 * `sensitive` (so the page disables their partner share and says why), the partners a scenario
 * may drop, and the four presets of issue 11, derived by presets.ts from the queues' recorded arrivals per minute.
 */
import express from 'express';
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { describeIssues, MAX_REASON_LENGTH } from '../../contracts/issues.js';
import { WHAT_IF_PERIOD_MS, whatIfSetupQuerySchema, type WhatIfSetup } from '../../contracts/what-if.js';
import type { MetricsStore } from '../../streams/metrics-store.js';
import type { AccessControl } from '../access.js';
import { requireRole } from '../require-role.js';
import { principalQueues } from '../views.js';
import { presetScenarios, type PresetQueue } from './presets.js';

export interface WhatIfSetupDeps {
  config: OpsConfig;
  store: Pick<MetricsStore, 'history'>;
  access: AccessControl;
  clock: () => number;
  /** RETENTION_DAYS (default 35): a period reaching past it could not be replayed. */
  retentionDays?: number;
}

const MINUTE_MS = 60_000;

/** The router, mounted under `/api`. */
export function whatIfSetupRouter(deps: WhatIfSetupDeps): express.Router {
  const router = express.Router();
  router.get('/what-if/setup', requireRole(deps.access, 'lead'), (req, res, next) => {
    const query = whatIfSetupQuerySchema.safeParse(req.query);
    if (!query.success) {
      return next(new DomainError('invalid', describeIssues(query.error.issues, { subject: 'query', input: req.query, maxLength: MAX_REASON_LENGTH })));
    }
    const days = deps.retentionDays ?? 35;
    if (WHAT_IF_PERIOD_MS[query.data.period] > days * 24 * 3600_000) {
      return next(new DomainError('invalid', `period: longer than the retention period (${days} days): POST /api/what-if could not replay it`));
    }
    whatIfSetup(deps, query.data.period, principalQueues(deps.config, req.principal!))
      .then((setup) => res.json(setup))
      .catch(next);
  });
  return router;
}

/** The setup for the period ending at the current minute. */
export async function whatIfSetup(deps: WhatIfSetupDeps, period: WhatIfSetup['period'], allowed?: ReadonlySet<string>): Promise<WhatIfSetup> {
  // A lead limited to teams or sites plans its own queues only (POST /api/what-if refuses others).
  const configured = allowed ? deps.config.queues.filter((q) => allowed.has(q.id)) : deps.config.queues;
  const now = deps.clock();
  const toMs = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const fromMs = toMs - WHAT_IF_PERIOD_MS[period];
  const minutes = Math.round((now - fromMs) / MINUTE_MS);
  const queues: PresetQueue[] = await Promise.all(
    configured.map(async (q) => {
      const history = await deps.store.history(q.id, minutes, now);
      // NOTE: presets only count arrivals per 15-minute interval, so one instant per arrival at the
      // start of its minute gives them exactly what the recorded instants would.
      const arrivals: number[] = [];
      for (const point of history.points) {
        const at = Date.parse(point.minute);
        if (at < fromMs || at >= toMs) continue;
        for (let i = 0; i < point.arrivals; i++) arrivals.push(at);
      }
      return { id: q.id, sensitive: q.sensitive, arrivals };
    }),
  );
  return {
    period,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    queues: configured.map((q, i) => ({ id: q.id, name: q.name, sensitive: q.sensitive, arrivals: queues[i].arrivals.length })),
    partners: deps.config.teams
      .filter((t) => t.kind === 'partner' && (!allowed || t.queues.some((q) => allowed.has(q))))
      .map((t) => ({ id: t.id, name: t.name, queues: t.queues.filter((q) => !allowed || allowed.has(q)) })),
    presets: presetScenarios(queues).map((s) => ({ name: s.name, queues: { ...s.queues } })),
  };
}
