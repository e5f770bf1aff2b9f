/**
 * The what-if engine on recorded data: a period built from events (staffing summed per kind of
 * team, handling from assignment, measured SLA), the recorded scenario calibrated within 5 points
 * of the SLA measured on simulator data (issue 11), and the presets derived from the queues.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, teamsForQueue } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { BackOfficeModel } from '../seed/back-office-model.js';
import { periodFromEvents, type QueueSettings } from '../server/what-if/period-from-events.js';
import { highVolumeQueues, peakShare, presetScenarios, PRESET_NAMES } from '../server/what-if/presets.js';
import { answerWhatIf, calibrate, replay } from '../server/what-if/replay.js';
import { ROOT } from './support/process.js';

const HOUR_MS = 3600_000;
/** A Monday, 00:00 UTC. */
const MONDAY = Date.parse('2026-11-23T00:00:00.000Z');
const config = loadConfig(`${ROOT}/seed/default-config.json`);
const teamKind = new Map(config.teams.map((t) => [t.id, t.kind]));
const settings: QueueSettings[] = config.queues.map((q) => ({
  id: q.id,
  slaTargetSeconds: q.sla.target_seconds,
  slaGoal: q.sla.goal,
  sensitive: q.id === 'documentation',
  defaultHandlingSeconds: q.handling_seconds,
  costPerAgentHourInhouse: 40,
  costPerAgentHourPartner: teamsForQueue(config, q.id).some((t) => t.kind === 'partner') ? 30 : 0,
}));

let counter = 0;
function event(type: OpsEvent['type'], minutes: number, fields: Record<string, unknown>): OpsEvent {
  return { event_id: `evt-${counter++}`, type, occurred_at: new Date(MONDAY + minutes * 60_000).toISOString(), ...fields } as OpsEvent;
}

describe('a recorded period from events', () => {
  const one = [settings.find((s) => s.id === 'billing')!];
  const events = [
    event('staffing.updated', -30, { queue: 'billing', team: 'inhouse-rcm', agents: 3 }),
    event('staffing.updated', -30, { queue: 'billing', team: 'partner-northwind', agents: 1 }),
    event('task.created', 0, { queue: 'billing', task_id: 't1', priority: 3 }),
    event('task.created', 1, { queue: 'billing', task_id: 't2', priority: 3 }),
    event('task.assigned', 2, { queue: 'billing', task_id: 't1', team: 'inhouse-rcm' }),
    event('task.started', 4, { queue: 'billing', task_id: 't1', team: 'inhouse-rcm' }),
    event('staffing.updated', 30, { queue: 'billing', team: 'partner-northwind', agents: 2 }),
    event('task.cancelled', 40, { queue: 'billing', task_id: 't2' }),
    event('task.completed', 12, { queue: 'billing', task_id: 't1', team: 'inhouse-rcm' }),
    event('task.created', 50, { queue: 'billing', task_id: 't3', priority: 3 }),
    event('task.created', 70, { queue: 'billing', task_id: 't4', priority: 3 }),
    event('task.started', 90, { queue: 'billing', task_id: 't3', team: 'inhouse-rcm' }),
  ];

  it('sums staffing per kind of team (the state before the period at its start), holds agents from assignment, measures the SLA of uncancelled tasks', () => {
    const { period, measuredSlaByQueue } = periodFromEvents(events, one, teamKind, MONDAY, MONDAY + HOUR_MS);
    const q = period.queues[0];
    expect(q.staffing).toEqual([
      { atMs: MONDAY, inhouse: 3, partner: 1 },
      { atMs: MONDAY + 30 * 60_000, inhouse: 3, partner: 2 },
    ]);
    expect(q.arrivals).toEqual([MONDAY, MONDAY + 60_000, MONDAY + 50 * 60_000]);
    expect(q.handlingSeconds).toEqual([600]);
    // t1 started after 4 min (met), t2 cancelled (left out), t3 started after 40 min (target 6 h: met).
    expect(measuredSlaByQueue.billing).toBe(1);
    const tight = periodFromEvents(events, [{ ...one[0], slaTargetSeconds: 300 }], teamKind, MONDAY, MONDAY + HOUR_MS);
    expect(tight.measuredSlaByQueue.billing).toBe(0.5);
  });
});

describe('calibration on simulator data', () => {
  it.each([7, 11])('replays the recorded scenario within 5 points of the SLA measured in the simulator (seed %i)', (seed) => {
    const from = MONDAY;
    const to = MONDAY + 2 * 24 * HOUR_MS;
    const model = new BackOfficeModel({ config, startMs: from - 12 * HOUR_MS, seed });
    const events = model.advanceTo(to + 12 * HOUR_MS);
    const { period, measuredSlaByQueue } = periodFromEvents(events, settings, teamKind, from, to);
    const calibration = calibrate(period, measuredSlaByQueue, seed);
    expect(calibration.map((c) => c.queue)).toEqual(config.queues.map((q) => q.id));
    // The surge strains registration: a calibration that only ever saw 100% would prove little.
    expect(Math.min(...calibration.map((c) => c.recorded_sla_attainment!))).toBeLessThan(0.95);
    for (const c of calibration) {
      expect(Math.abs(c.replayed_sla_attainment! - c.recorded_sla_attainment!), `${c.queue}: measured ${c.recorded_sla_attainment}, replayed ${c.replayed_sla_attainment}`).toBeLessThanOrEqual(0.05);
    }
  });
});

describe('presets', () => {
  const arrivalsOf = (n: number) => Array.from({ length: n }, (_, i) => MONDAY + i * 1000);
  const queues = [
    { id: 'big', sensitive: false, arrivals: arrivalsOf(300) },
    { id: 'big-sensitive', sensitive: true, arrivals: arrivalsOf(400) },
    { id: 'small', sensitive: false, arrivals: arrivalsOf(10) },
    { id: 'mid', sensitive: false, arrivals: arrivalsOf(100) },
  ];

  it('high volume: at or above the median volume', () => {
    expect([...highVolumeQueues(queues)].sort()).toEqual(['big', 'big-sensitive']);
  });

  it('peak share: the work above the 75th-percentile busy quarter hour', () => {
    const quarter = 15 * 60_000;
    // Quarter hours holding 1, 1, 1, 1 and 6 arrivals: the 75th percentile (nearest rank) is 1, so 5 of 10 are peak.
    const arrivals = [0, 1, 2, 3].map((k) => MONDAY + k * quarter).concat(Array.from({ length: 6 }, (_, i) => MONDAY + 4 * quarter + i));
    expect(peakShare(arrivals)).toBe(0.5);
    expect(peakShare([])).toBe(0);
  });

  it('four presets, no partner share on a sensitive queue, all accepted by the engine', () => {
    const scenarios = presetScenarios(queues);
    expect(scenarios.map((s) => s.name)).toEqual(Object.values(PRESET_NAMES));
    const [asToday, inhouse, outsource, hybrid] = scenarios;
    expect(asToday.queues).toEqual({});
    expect(Object.values(inhouse.queues).every((q) => q.partner_share === 0)).toBe(true);
    expect(outsource.queues).toEqual({ big: { agents: 'erlang', partner_share: 1 } });
    expect(hybrid.queues['big-sensitive']).toEqual({ agents: 'recorded', partner_share: 0 });
    for (const s of scenarios) for (const q of queues.filter((x) => x.sensitive)) expect(s.queues[q.id]?.partner_share ?? 0).toBe(0);
    const period = {
      fromMs: MONDAY,
      toMs: MONDAY + HOUR_MS,
      queues: queues.map((q) => ({ ...settings[0], ...q, handlingSeconds: [], staffing: [{ atMs: MONDAY, inhouse: 2, partner: 1 }] })),
    };
    expect(replay(period, scenarios, 1).map((s) => s.totals.tasks)).toEqual([810, 810, 810, 810]);
  });
});

describe('the whole answer', () => {
  it('holds the period, the calibration and the scenarios in the order asked', () => {
    const period = { fromMs: MONDAY, toMs: MONDAY + HOUR_MS, queues: [{ ...settings[0], arrivals: [MONDAY + 1000], handlingSeconds: [], staffing: [{ atMs: MONDAY, inhouse: 1, partner: 0 }] }] };
    const scenarios = [{ name: 'b', queues: {} }, { name: 'a', queues: { [settings[0].id]: { agents: 2 } } }];
    const answer = answerWhatIf(period, scenarios, 3, { [settings[0].id]: 0.9 });
    expect(answer.from).toBe('2026-11-23T00:00:00.000Z');
    expect(answer.to).toBe('2026-11-23T01:00:00.000Z');
    expect(answer.calibration.queues).toEqual([{ queue: settings[0].id, recorded_sla_attainment: 0.9, replayed_sla_attainment: 1 }]);
    expect(answer.scenarios).toEqual(replay(period, scenarios, 3));
    expect(answer.scenarios.map((s) => s.name)).toEqual(['b', 'a']);
  });
});
