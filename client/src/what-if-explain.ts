/**
 * Why the scenarios' numbers differ, in a sentence per scenario: against the first scenario,
 * which queues moved agent-hours to or from partners, how staffing changed, and what that did to
 * SLA attainment and cost. Made only from the API's answer and the scenarios sent.
 */
import type { Scenario, ScenarioOutcome, WhatIfAnswer } from '../../contracts/what-if';
import { formatCount, formatPercent } from './format';

/** A change in partner share of agent-hours below this (5 points) is not worth naming. */
const SHARE_MOVE = 0.05;

const partnerShareOf = (hoursIn: number, hoursPartner: number): number => (hoursIn + hoursPartner > 0 ? hoursPartner / (hoursIn + hoursPartner) : 0);

function points(a: number | null, b: number | null): string {
  if (a == null || b == null) return 'an SLA attainment that cannot be compared';
  const delta = Math.round((b - a) * 1000) / 10;
  return `SLA attainment ${formatPercent(a)} → ${formatPercent(b)} (${delta >= 0 ? '+' : ''}${delta} points)`;
}

function costChange(a: number, b: number): string {
  if (a === 0) return b === 0 ? 'no cost either way' : `a cost of ${formatCount(b)} against none`;
  const pct = Math.round(((b - a) / a) * 100);
  if (pct === 0) return `about the same cost (${formatCount(b)})`;
  return `${Math.abs(pct)}% ${pct > 0 ? 'more' : 'less'} cost (${formatCount(a)} → ${formatCount(b)})`;
}

function list(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** One sentence per scenario after the first, comparing it with the first. */
export function explainDifferences(answer: WhatIfAnswer, sent: readonly Scenario[], queueName: (id: string) => string, partnerName: (id: string) => string = (id) => id): string[] {
  const [base, ...others] = answer.scenarios;
  if (!base) return [];
  return others.map((other) => explainOne(base, other, sent.find((s) => s.name === other.name), queueName, partnerName));
}

function explainOne(base: ScenarioOutcome, other: ScenarioOutcome, scenario: Scenario | undefined, queueName: (id: string) => string, partnerName: (id: string) => string): string {
  const toPartners: string[] = [];
  const toInhouse: string[] = [];
  for (const q of other.queues) {
    const b = base.queues.find((x) => x.queue === q.queue);
    if (!b) continue;
    const move = partnerShareOf(q.agent_hours_inhouse, q.agent_hours_partner) - partnerShareOf(b.agent_hours_inhouse, b.agent_hours_partner);
    if (move >= SHARE_MOVE) toPartners.push(queueName(q.queue));
    else if (move <= -SHARE_MOVE) toInhouse.push(queueName(q.queue));
  }
  const settings = Object.entries(scenario?.queues ?? {});
  const erlang = settings.filter(([, s]) => s.agents === 'erlang').map(([id]) => queueName(id));
  const fixed = settings.filter(([, s]) => typeof s.agents === 'number').map(([id]) => queueName(id));
  const moves: string[] = [];
  const dropped = scenario?.drop_partners ?? [];
  if (dropped.length) moves.push(`goes without ${list(dropped.map(partnerName))}`);
  if (toPartners.length) moves.push(`moves agent-hours of ${list(toPartners)} to partners`);
  if (toInhouse.length) moves.push(`brings ${list(toInhouse)} in-house`);
  if (erlang.length) moves.push(`staffs ${list(erlang)} to the SLA goal by Erlang C every 15 minutes`);
  if (fixed.length) moves.push(`gives ${list(fixed)} a fixed number of agents`);
  const what = moves.length ? moves.join(', ') : 'keeps the staffing and split of the first scenario';
  const hours = (o: ScenarioOutcome) => o.totals.agent_hours_inhouse + o.totals.agent_hours_partner;
  const hoursNote = `${formatCount(hours(base))} → ${formatCount(hours(other))} agent-hours`;
  return `Against “${base.name}”, “${other.name}” ${what}: ${points(base.totals.sla_attainment, other.totals.sla_attainment)}, ${hoursNote}, ${costChange(base.totals.cost, other.totals.cost)}.`;
}
