/**
 * The lead charts' routes on the real embedded product over loopback, at a fixed now:
 * `GET /api/metrics/forecast` (the alerting's forecast per 15 minutes with staffed and needed
 * agents), `GET /api/metrics/teams` (a queue's teams over a range) and the history of the same
 * time last week (`offset_minutes`). Expected figures are worked out by hand from the events.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../contracts/config.js';
import type { QueueForecast, QueueTeams } from '../contracts/lead-charts.js';
import type { MetricsHistory } from '../contracts/metrics-snapshot.js';
import { serviceLevel } from '../server/alerts/erlang-c.js';
import { configWithAccess, startHarness, TOKENS, type Harness } from './support/harness.js';
import { ROOT } from './support/process.js';

const MIN = 60_000;
const NOW = Date.parse('2026-11-25T14:07:00.000Z');
const WEEK = 7 * 24 * 60 * MIN;
const config = configWithAccess(loadConfig(`${ROOT}/seed/default-config.json`));
/** registration: target 900 s, goal 0.9, handling 360 s; served by inhouse-access (lead-a's team) and partner-northwind. */
const Q = 'registration';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const at = (ms: number) => new Date(ms).toISOString();

let n = 0;
const ev = (type: string, ms: number, task: string, rest: object = {}) => ({ event_id: `e${++n}`, type, occurred_at: at(ms), queue: Q, task_id: task, ...rest });

/** One arrival a minute, on the minute, over the 5 hours before now (from 09:07): 15 in every whole quarter hour. */
const steady = Array.from({ length: 300 }, (_, i) => ev('task.created', NOW - (300 - i) * MIN, `s${300 - i}`));
/** Starts the task created `createdAgo` minutes ago after `waitS` seconds. */
const start = (createdAgo: number, waitS: number, team: string) => ev('task.started', NOW - createdAgo * MIN + waitS * 1000, `s${createdAgo}`, { team });
const teamTasks = [
  // Started within the last hour: inhouse-access waits 60, 120, 1200 and 7800 s; the partner 300 s.
  start(50, 60, 'inhouse-access'),
  start(45, 120, 'inhouse-access'),
  start(30, 1200, 'inhouse-access'),
  start(170, 7800, 'inhouse-access'),
  start(31, 300, 'partner-northwind'),
  // Started 190 minutes ago, after 600 s.
  start(200, 600, 'inhouse-access'),
];
const staffing = [
  { event_id: 'st1', type: 'staffing.updated', occurred_at: at(NOW - 50 * MIN), queue: Q, team: 'inhouse-access', agents: 4 },
  { event_id: 'st2', type: 'staffing.updated', occurred_at: at(NOW - 20 * MIN), queue: Q, team: 'partner-northwind', agents: 2 },
];
/** Last week: three arrivals 10 minutes before the same time a week ago. */
const lastWeek = [0, 1, 2].map((i) => ev('task.created', NOW - WEEK - 10 * MIN + i * 1000, `w${i}`));

describe('the lead charts routes', () => {
  let h: Harness;
  const get = (path: string, token = TOKENS.lead) => request(h.url).get(path).set(auth(token));

  beforeAll(async () => {
    h = await startHarness(config, () => NOW);
    const events = [...steady, ...teamTasks, ...staffing, ...lastWeek];
    const posted = await request(h.url).post('/api/events').set(auth(TOKENS.ingest)).send(events);
    expect(posted.status).toBe(202);
    expect(posted.body.accepted).toBe(events.length);
  });
  afterAll(() => h.close());

  it('gives the forecast per 15 minutes, the Erlang C agents it needs, and the agents staffed', async () => {
    const res = await get(`/api/metrics/forecast?queue=${Q}&minutes=60`);
    expect(res.status).toBe(200);
    const body = res.body as QueueForecast;
    expect(body.interval_minutes).toBe(15);
    // 14:07 minus an hour is 13:07: the intervals from 13:00 to the current one at 14:00.
    expect(body.intervals.map((i) => i.start.slice(11, 16))).toEqual(['13:00', '13:15', '13:30', '13:45', '14:00']);
    // Under a week of history: the EWMA of 15 a quarter hour, 15.
    for (const i of body.intervals) expect(i.forecast_arrivals).toBeCloseTo(15, 5);
    // Agents needed: the fewest N meeting the goal for 15 per 900 s at 360 s each (Erlang C service level).
    const erlangs = (15 / 900) * 360;
    const needed = body.intervals[0].agents_needed!;
    expect(serviceLevel(needed, erlangs, 900, 360)).toBeGreaterThanOrEqual(0.9);
    expect(serviceLevel(needed - 1, erlangs, 900, 360)).toBeLessThan(0.9);
    // Staffed at each interval's end (now for the last): 4 from 13:17, 6 from 13:47.
    expect(body.intervals.map((i) => i.staffed_agents)).toEqual([0, 4, 4, 6, 6]);
  });

  it('has no forecast (null, not 0) for an interval the alerting had no data a whole interval before', async () => {
    const body = (await get(`/api/metrics/forecast?queue=${Q}&minutes=400`)).body as QueueForecast;
    // The first arrival is at 09:07: an interval starting before 09:22 has no whole interval before it.
    const firstArrival = NOW - 300 * MIN;
    for (const i of body.intervals) {
      if (Date.parse(i.start) - 15 * MIN < firstArrival) expect(i).toMatchObject({ forecast_arrivals: null, agents_needed: null });
      else expect(i.forecast_arrivals).not.toBeNull();
    }
    expect(body.intervals.filter((i) => i.forecast_arrivals === null).map((i) => i.start.slice(11, 16))).toEqual(['07:15', '07:30', '07:45', '08:00', '08:15', '08:30', '08:45', '09:00', '09:15']);
  });

  it('gives the teams over the range asked for', async () => {
    const hour = (await get(`/api/metrics/teams?queue=${Q}&minutes=60`)).body as QueueTeams;
    const byTeam = Object.fromEntries(hour.teams.map((t) => [t.team, t]));
    expect(hour.teams.map((t) => t.team)).toEqual(['inhouse-access', 'partner-northwind']);
    // inhouse-access in the last hour: waits 60, 120, 1200, 7800 s; nearest rank p50 the 2nd, p90 the 4th; 2 of 4 within 900 s.
    expect(byTeam['inhouse-access']).toMatchObject({ started: 4, wait_p50_seconds: 120, wait_p90_seconds: 7800, sla_attainment: 0.5 });
    expect(byTeam['partner-northwind']).toMatchObject({ started: 1, wait_p50_seconds: 300, wait_p90_seconds: 300, sla_attainment: 1 });
    // Over 4 hours the start 190 minutes ago (600 s) counts too: p50 the 3rd of 5, 3 of 5 within 900 s.
    const four = (await get(`/api/metrics/teams?queue=${Q}&minutes=240`)).body as QueueTeams;
    expect(four.teams.find((t) => t.team === 'inhouse-access')).toMatchObject({ started: 5, wait_p50_seconds: 600, sla_attainment: 0.6 });
  });

  it('narrows the teams of a lead limited to teams, and refuses its other queues', async () => {
    const mine = (await get(`/api/metrics/teams?queue=${Q}&minutes=60`, TOKENS.leadA)).body as QueueTeams;
    expect(mine.teams.map((t) => t.team)).toEqual(['inhouse-access']);
    const other = await get('/api/metrics/forecast?queue=insurance&minutes=60', TOKENS.leadA);
    expect(other.status).toBe(403);
    expect((await get('/api/metrics/teams?queue=insurance', TOKENS.leadA)).status).toBe(403);
  });

  it('refuses what it cannot answer, naming the problem', async () => {
    expect((await get('/api/metrics/forecast?queue=nope')).status).toBe(404);
    const missing = await get('/api/metrics/teams?minutes=60');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/queue/);
    expect((await get(`/api/metrics/teams?queue=${Q}&minutes=0`)).status).toBe(400);
    expect((await get(`/api/metrics/forecast?queue=${Q}&minutes=10081`)).status).toBe(400);
    expect((await get(`/api/metrics/forecast?queue=${Q}&range=8h`)).status).toBe(400);
    expect((await request(h.url).get(`/api/metrics/teams?queue=${Q}`)).status).toBe(401);
  });

  it('answers the history of the same time last week', async () => {
    const res = await get(`/api/metrics/history?queue=${Q}&minutes=60&offset_minutes=10080`);
    expect(res.status).toBe(200);
    const body = res.body as MetricsHistory;
    expect(body.generated_at).toBe(at(NOW - WEEK));
    expect(body.points).toHaveLength(60);
    expect(body.points.reduce((sum, p) => sum + p.arrivals, 0)).toBe(3);
    // Nothing else existed then, and the three are still open: the backlog at the end of that hour was 3.
    expect(body.points.at(-1)!.backlog).toBe(3);
    expect((await get(`/api/metrics/history?queue=${Q}&offset_minutes=40321`)).status).toBe(400);
  });
});
