/**
 * The lead's queue page beyond the history: `GET /api/metrics/forecast` (the alerting's forecast
 * with staffed agents against agents needed, per 15 minutes) and `GET /api/metrics/teams` (a
 * queue's teams over the chosen range). Narrowed like the history: a lead sees only the queues
 * (and team rows) its teams or sites allow.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { teamsForQueue, type OpsConfig } from '../contracts/config.js';
import { DomainError } from '../contracts/errors.js';
import { describeIssues, MAX_REASON_LENGTH, quoteIfOpaque } from '../contracts/issues.js';
import { rangeQuerySchema, type QueueForecast, type QueueTeams, type RangeTeam } from '../contracts/lead-charts.js';
import { nearestRank } from '../contracts/metrics-snapshot.js';
import type { MetricsStore } from '../streams/metrics-store.js';
import type { AccessControl, Principal } from './access.js';
import type { Alerting } from './alerts/alerting.js';
import { forecastPlan, intervalStarts } from './alerts/forecast-plan.js';
import { INTERVAL_MS, MINUTE_MS } from './alerts/forecast.js';
import { visibleQueues } from './alerts/routes.js';
import { requireRole } from './require-role.js';

export interface LeadChartsDeps {
  config: OpsConfig;
  store: Pick<MetricsStore, 'teamStarts' | 'staffingHistory'>;
  /** Without it `GET /api/metrics/forecast` answers 404: there is no forecast. */
  alerting?: Pick<Alerting, 'forecastInput'>;
  access: AccessControl;
  clock: () => number;
}

const handle = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

/** The router, mounted under `/api`. */
export function leadChartsRouter(deps: LeadChartsDeps): express.Router {
  const { config, store, access, clock } = deps;
  const router = express.Router();

  /** The query, checked: a known queue the principal may see. */
  function rangeOf(req: Request): { queue: string; minutes: number } {
    const query = rangeQuerySchema.safeParse(req.query);
    if (!query.success) throw new DomainError('invalid', describeIssues(query.error.issues, { subject: 'query', input: req.query, maxLength: MAX_REASON_LENGTH }));
    const { queue } = query.data;
    if (!config.queueIndex.has(queue)) throw new DomainError('not_found', `unknown queue${quoteIfOpaque(queue) ? ` ${quoteIfOpaque(queue)}` : ''}`);
    const visible = visibleQueues(config, req.principal!, undefined);
    if (visible && !visible.has(queue)) throw new DomainError('forbidden', req.principal!.sites ? 'a queue this token may not see' : 'a queue your teams do not serve');
    return query.data;
  }

  router.get(
    '/metrics/forecast',
    requireRole(access, 'viewer'),
    handle(async (req, res) => {
      const { queue, minutes } = rangeOf(req);
      const input = await deps.alerting?.forecastInput(queue);
      if (!input) throw new DomainError('not_found', 'no forecast: this server runs no alerting');
      const now = clock();
      const starts = intervalStarts(now, minutes);
      const changes = (await store.staffingHistory(starts[0], now + 1)).filter((c) => c.queue === queue);
      const body: QueueForecast = {
        generated_at: new Date(now).toISOString(),
        queue,
        minutes,
        interval_minutes: INTERVAL_MS / MINUTE_MS,
        intervals: forecastPlan(input.series, config.queueIndex.get(queue)!, changes, starts, now, input.options),
      };
      res.json(body);
    }),
  );

  router.get(
    '/metrics/teams',
    requireRole(access, 'viewer'),
    handle(async (req, res) => {
      const { queue, minutes } = rangeOf(req);
      const now = clock();
      const starts = (await store.teamStarts(now - minutes * MINUTE_MS, now)).filter((s) => s.queue === queue);
      const body: QueueTeams = { generated_at: new Date(now).toISOString(), queue, minutes, teams: rangeTeams(config, queue, starts, allowedTeams(req.principal!)) };
      res.json(body);
    }),
  );
  return router;
}

/** The teams a lead limited to teams may see the rows of; undefined: all. */
function allowedTeams(principal: Principal): readonly string[] | undefined {
  return principal.role === 'lead' ? principal.teams : undefined;
}

/** The queue's configured teams, then any other team that started its work, with their figures. */
export function rangeTeams(
  config: OpsConfig,
  queue: string,
  starts: readonly { team: string; starts: number; attained: number; waitsMs: Float64Array }[],
  allowed: readonly string[] | undefined,
): RangeTeam[] {
  const byTeam = new Map(starts.map((s) => [s.team, s]));
  const ids = [...new Set([...teamsForQueue(config, queue).map((t) => t.id), ...[...byTeam.keys()].sort()])];
  return ids
    .filter((id) => !allowed || allowed.includes(id))
    .map((id) => {
      const team = config.teamIndex.get(id);
      const s = byTeam.get(id);
      const p50 = s ? nearestRank(s.waitsMs, 0.5) : null;
      const p90 = s ? nearestRank(s.waitsMs, 0.9) : null;
      return {
        team: id,
        name: team?.name ?? id,
        kind: team?.kind ?? 'inhouse',
        started: s?.starts ?? 0,
        wait_p50_seconds: p50 === null ? null : p50 / 1000,
        wait_p90_seconds: p90 === null ? null : p90 / 1000,
        sla_attainment: s && s.starts > 0 ? s.attained / s.starts : null,
      };
    });
}
