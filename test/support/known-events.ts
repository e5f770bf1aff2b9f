/** A known event set at REF_NOW (12:00Z) over the reference config, with its values worked out by hand. */
const at = (hhmm: string) => `2026-11-26T${hhmm}:00.000Z`;

/** A known event set; the expected values below are worked out by hand from SPEC section 3. */
export const KNOWN = [
  { event_id: 'k01', type: 'task.created', occurred_at: at('11:50'), queue: 'registration', task_id: 't1' },
  { event_id: 'k02', type: 'task.created', occurred_at: at('11:45'), queue: 'registration', task_id: 't2', priority: 1 },
  { event_id: 'k03', type: 'task.created', occurred_at: at('11:30'), queue: 'registration', task_id: 't3' },
  { event_id: 'k04', type: 'task.started', occurred_at: at('11:40'), queue: 'registration', task_id: 't3', team: 'inhouse-a' },
  { event_id: 'k05', type: 'task.created', occurred_at: at('11:20'), queue: 'registration', task_id: 't4' },
  { event_id: 'k06', type: 'task.assigned', occurred_at: at('11:30'), queue: 'registration', task_id: 't4', team: 'inhouse-b' },
  { event_id: 'k07', type: 'task.started', occurred_at: at('11:35'), queue: 'registration', task_id: 't4', team: 'inhouse-b' },
  { event_id: 'k08', type: 'task.completed', occurred_at: at('11:50'), queue: 'registration', task_id: 't4' },
  { event_id: 'k09', type: 'task.completed', occurred_at: at('11:20'), queue: 'registration', task_id: 't5' },
  { event_id: 'k10', type: 'task.started', occurred_at: at('11:10'), queue: 'registration', task_id: 't5', team: 'inhouse-a' },
  { event_id: 'k11', type: 'task.created', occurred_at: at('10:30'), queue: 'registration', task_id: 't5' },
  { event_id: 'k12', type: 'task.created', occurred_at: at('11:55'), queue: 'registration', task_id: 't6' },
  { event_id: 'k13', type: 'task.cancelled', occurred_at: at('11:56'), queue: 'registration', task_id: 't6' },
  { event_id: 'k14', type: 'task.started', occurred_at: at('11:57'), queue: 'registration', task_id: 't7', team: 'inhouse-a' },
  { event_id: 'k15', type: 'staffing.updated', occurred_at: at('09:00'), queue: 'registration', team: 'inhouse-a', agents: 7 },
  { event_id: 'k16', type: 'staffing.updated', occurred_at: at('08:00'), queue: 'registration', team: 'inhouse-a', agents: 5 },
  { event_id: 'k17', type: 'staffing.updated', occurred_at: at('08:00'), queue: 'registration', team: 'inhouse-b', agents: 3 },
  { event_id: 'k18', type: 'task.created', occurred_at: at('11:58'), queue: 'registration', task_id: 't8' },
];


/** Registration at 12:00: t1 (age 600 s: at risk), t2 (900 s: breached), t8 (120 s) wait; t3 is in progress. */
export const KNOWN_REGISTRATION = {
  backlog: 4,
  waiting: 3,
  in_progress: 1,
  oldest_wait_seconds: 900,
  breached: 1,
  at_risk: 1,
  arrivals: 6,
  started: 3,
  completions: 2,
  wait_p50_seconds: 900,
  wait_p90_seconds: 2400,
  sla_attainment: 1 / 3,
  staffed_agents: 10,
  sla_target_seconds: 600,
  sla_goal: 0.9,
};

export const KNOWN_TEAMS = {
  'inhouse-a': { kind: 'inhouse', backlog: 1, in_progress: 1, waiting: 0, arrivals: 1, started: 2, completions: 1, sla_attainment: 0.5, staffed_agents: 7, wait_p50_seconds: 600, wait_p90_seconds: 2400 },
  'inhouse-b': { backlog: 0, arrivals: 1, started: 1, completions: 1, sla_attainment: 0, staffed_agents: 3, wait_p50_seconds: 900 },
};
