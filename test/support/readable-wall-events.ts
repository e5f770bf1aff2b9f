/**
 * Events for the readable-wall test on the shipped config, `now` being when they are built: every
 * queue busy over the past hour, started by its in-house team and its partners in turn, fully
 * staffed (no demand peak can fire), with waits from a minute to well over an hour so the tiles
 * carry their widest figures; then, on demand, three queues left without agents, so that three
 * demand-peak alerts fire at once.
 */
const MIN = 60_000;

interface ShippedConfig {
  queues: { id: string }[];
  teams: { id: string; queues: string[] }[];
}

/** The calm hour of every queue of `config`: tasks, starts, completions, waiting tasks and staff. */
export function busyHourEvents(config: ShippedConfig, now: number): object[] {
  const events: object[] = [];
  const add = (type: string, msAgo: number, queue: string, rest: object) =>
    events.push({ event_id: `rw-${events.length}`, type, occurred_at: new Date(now - msAgo).toISOString(), queue, ...rest });
  for (const { id: queue } of config.queues) {
    const teams = config.teams.filter((t) => t.queues.includes(queue)).map((t) => t.id);
    for (let ago = 57 * MIN, n = 0; ago >= 6 * MIN; ago -= 3 * MIN, n++) {
      const task_id = `${queue}-s${n}`;
      add('task.created', ago, queue, { task_id });
      add('task.started', ago - (1 + (n % 4)) * MIN, queue, { task_id, team: teams[n % teams.length] });
      if (n % 2 === 0) add('task.completed', ago - 5 * MIN, queue, { task_id });
    }
    for (let i = 0; i < 5; i++) add('task.created', (i + 1) * MIN, queue, { task_id: `${queue}-w${i}` });
    // Created before the window and still waiting: the oldest wait reads in hours and minutes.
    add('task.created', 83 * MIN, queue, { task_id: `${queue}-old` });
    for (const team of teams) add('staffing.updated', 120 * MIN, queue, { team, agents: 12 });
  }
  return events;
}

/** Every team of `queues` down to no agents now: a shortfall against their arrivals, so a peak fires on each. */
export function agentsGoneEvents(config: ShippedConfig, queues: readonly string[], now: number): object[] {
  return queues.flatMap((queue) =>
    config.teams
      .filter((t) => t.queues.includes(queue))
      .map((t) => ({ event_id: `rw-gone-${queue}-${t.id}`, type: 'staffing.updated', occurred_at: new Date(now).toISOString(), queue, team: t.id, agents: 0 })),
  );
}
