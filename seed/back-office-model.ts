/**
 * A discrete-event model of the back office: Poisson arrivals per queue, agents on a rota per
 * team and queue, tasks waiting FIFO by priority, log-normal handling, a few cancellations.
 * Pure: no timers, no I/O. `advanceTo(ms)` runs the model up to an instant and returns the
 * events an upstream system would have emitted, in `occurred_at` order.
 *
 * Waiting lines are ordered by priority, first come first served within a priority. A waiting
 * task ages: it lines up at `created_at + (priority - 3) * target / 2`, so urgent work goes
 * first but a priority-5 task is not starved for days behind a steady stream of 3s.
 *
 * Memory stays bounded over days: only open tasks are held (by the agenda and the waiting
 * lines), and a task is forgotten once it is completed or cancelled.
 */
import type { OpsConfig } from '../contracts/config.js';
import type { OpsEvent } from '../contracts/events.js';
import { nextArrival } from './arrivals.js';
import { base36Id, logNormalWithMean, mulberry32, pickWeighted, uniform, type Random } from './random.js';
import { createRotas, type QueueRota } from './staffing-plan.js';
import { MinHeap } from './min-heap.js';
import { BEHAVIOUR, type CarriedTask, type Happening, type InLine, type Pool, type Task } from './model-parts.js';

export { BEHAVIOUR, type CarriedTask } from './model-parts.js';

const HOUR_MS = 60 * 60 * 1000;

type Draft<E> = E extends OpsEvent ? Omit<E, 'event_id' | 'occurred_at'> : never;

export interface ModelOptions {
  config: OpsConfig;
  /** The simulated instant the model starts at (epoch ms). */
  startMs: number;
  seed: number;
}

/** The back office as a pure, seeded generator of events. */
export class BackOfficeModel {
  private clock: number;
  private seq = 0;
  private eventCounter = 0;
  private rotaAnnounced = false;
  private out: OpsEvent[] = [];
  private open = 0;
  private readonly rand: Random;
  private readonly runTag: string;
  private readonly rotas: QueueRota[];
  private readonly pools: Pool[][];
  private readonly waiting: MinHeap<InLine>[];
  private readonly agenda = new MinHeap<Happening>();

  constructor(options: ModelOptions) {
    this.clock = Math.floor(options.startMs);
    this.rand = mulberry32(options.seed);
    // NOTE: event ids must not repeat across runs that share a log; the tag differs per seed.
    this.runTag = base36Id(this.rand, 6);
    this.rotas = createRotas(options.config);
    this.pools = this.rotas.map((rota, queue) =>
      rota.teams.map((team, slot) => ({
        team,
        queue,
        slot,
        staffed: 0,
        busy: 0,
        handlingFactor: team.kind === 'partner' ? BEHAVIOUR.partnerSlowdown : 1,
        boosts: [],
      })),
    );
    this.waiting = this.rotas.map(() => new MinHeap<InLine>());
    this.schedule({ at: this.clock, seq: 0, kind: 'rota', recurring: true });
    // A queue nobody serves would only pile up tasks; it gets no arrivals.
    this.rotas.forEach((rota, queue) => {
      if (rota.teams.length > 0 && rota.profile.weekdayVolume > 0) this.scheduleArrival(queue, this.clock);
    });
  }

  /** The simulated instant the model has reached. */
  get clockMs(): number {
    return this.clock;
  }

  /** Tasks created and neither completed nor cancelled. */
  get openTasks(): number {
    return this.open;
  }

  /** Runs the model up to `targetMs` and returns the events it produced (none after `targetMs`). */
  advanceTo(targetMs: number): OpsEvent[] {
    const target = Math.floor(targetMs);
    for (let next = this.agenda.peek(); next && next.at <= target; next = this.agenda.peek()) {
      this.agenda.pop();
      this.clock = next.at;
      this.handle(next);
    }
    if (target > this.clock) this.clock = target;
    const produced = this.out;
    this.out = [];
    return produced;
  }

  /**
   * Takes over tasks left open by an earlier run (a restart that carries on from stored data):
   * waiting ones join their line; started ones keep their team and are completed in due course.
   */
  adopt(tasks: readonly CarriedTask[]): void {
    for (const carried of tasks) {
      const queue = this.rotas.findIndex((r) => r.queue.id === carried.queue);
      if (queue < 0) continue;
      const task: Task = { id: carried.task_id, queue, priority: 3, createdAt: carried.created_at };
      const pool = carried.team === undefined ? undefined : this.pools[queue].find((p) => p.team.id === carried.team);
      this.open++;
      if (!pool) {
        this.waiting[queue].push({ at: task.createdAt, seq: this.seq++, task });
        continue;
      }
      pool.busy++;
      task.pool = pool;
      const handling = logNormalWithMean(this.rand, this.rotas[queue].queue.handling_seconds * 1000 * pool.handlingFactor, BEHAVIOUR.handlingSigma);
      this.schedule({ at: this.clock + Math.max(1, Math.round(handling)), seq: 0, kind: 'complete', task });
    }
  }

  /**
   * Puts `agents` more agents of a team on a queue from the current instant until `untilMs`
   * (a partner honouring a capacity request). The staffing event comes with the next advance.
   */
  addAgents(teamId: string, queueId: string, agents: number, untilMs: number): void {
    const queue = this.rotas.findIndex((r) => r.queue.id === queueId);
    const pool = this.pools[queue]?.find((p) => p.team.id === teamId);
    if (!pool) throw new Error(`team "${teamId}" does not serve queue "${queueId}"`);
    if (!Number.isInteger(agents) || agents < 1) throw new Error('agents must be a positive integer');
    if (untilMs <= this.clock) return;
    pool.boosts.push({ agents, untilMs });
    this.schedule({ at: Math.ceil(untilMs), seq: 0, kind: 'rota', recurring: false });
    if (this.rotaAnnounced) this.applyRota();
  }

  private handle(h: Happening): void {
    switch (h.kind) {
      case 'arrival':
        return this.onArrival(h.queue);
      case 'start':
        return this.onStart(h.task);
      case 'complete':
        return this.onComplete(h.task);
      case 'cancel':
        return this.onCancel(h.task);
      case 'rota':
        this.applyRota();
        if (h.recurring) {
          const next = (Math.floor(this.clock / BEHAVIOUR.rotaTickMs) + 1) * BEHAVIOUR.rotaTickMs;
          this.schedule({ at: next, seq: 0, kind: 'rota', recurring: true });
        }
    }
  }

  private onArrival(queue: number): void {
    const rota = this.rotas[queue];
    const task: Task = {
      id: `tsk-${base36Id(this.rand, 12)}`,
      queue,
      priority: pickWeighted(this.rand, BEHAVIOUR.priorityWeights) + 1,
      createdAt: this.clock,
    };
    this.open++;
    this.emit({ type: 'task.created', queue: rota.queue.id, task_id: task.id, priority: task.priority });
    this.scheduleArrival(queue, this.clock);
    if (this.rand() < BEHAVIOUR.withdrawnShare) {
      // Held out of the line: it waits, visibly, until it is withdrawn.
      const latest = Math.max(60_000, Math.min(rota.queue.sla.target_seconds * 500, 2 * HOUR_MS));
      this.schedule({ at: this.clock + Math.round(uniform(this.rand, 60_000, latest)), seq: 0, kind: 'cancel', task });
      return;
    }
    const lead = ((task.priority - 3) * rota.queue.sla.target_seconds * 1000) / 2;
    this.waiting[queue].push({ at: task.createdAt + lead, seq: this.seq++, task });
    this.dispatch(queue);
  }

  private onStart(task: Task): void {
    const pool = task.pool!;
    const rota = this.rotas[task.queue];
    this.emit({ type: 'task.started', queue: rota.queue.id, task_id: task.id, team: pool.team.id });
    const mean = rota.queue.handling_seconds * 1000 * pool.handlingFactor;
    const handling = logNormalWithMean(this.rand, mean, BEHAVIOUR.handlingSigma);
    this.schedule({ at: this.clock + Math.max(1, Math.round(handling)), seq: 0, kind: 'complete', task });
  }

  private onComplete(task: Task): void {
    const pool = task.pool!;
    this.open--;
    pool.busy--;
    this.emit({ type: 'task.completed', queue: this.rotas[task.queue].queue.id, task_id: task.id, team: pool.team.id });
    this.dispatch(task.queue);
  }

  private onCancel(task: Task): void {
    this.open--;
    this.emit({ type: 'task.cancelled', queue: this.rotas[task.queue].queue.id, task_id: task.id });
  }

  private applyRota(): void {
    const announce = !this.rotaAnnounced;
    this.rotaAnnounced = true;
    this.rotas.forEach((rota, queue) => {
      const planned = rota.agentsAt(this.clock);
      for (const pool of this.pools[queue]) {
        pool.boosts = pool.boosts.filter((b) => b.untilMs > this.clock);
        const agents = planned[pool.slot] + pool.boosts.reduce((sum, b) => sum + b.agents, 0);
        if (announce || agents !== pool.staffed) {
          pool.staffed = agents;
          this.emit({ type: 'staffing.updated', queue: rota.queue.id, team: pool.team.id, agents });
        }
      }
      this.dispatch(queue);
    });
  }

  /** Free agents take the most urgent, longest-waiting tasks. */
  private dispatch(queue: number): void {
    const pools = this.pools[queue];
    while (this.waiting[queue].size > 0) {
      const free = pools.map((p) => p.staffed - p.busy);
      const chosen = pickWeighted(this.rand, free);
      if (chosen < 0) return;
      this.assign(this.waiting[queue].pop()!.task, pools[chosen]);
    }
  }

  private assign(task: Task, pool: Pool): void {
    pool.busy++;
    task.pool = pool;
    this.emit({ type: 'task.assigned', queue: this.rotas[task.queue].queue.id, task_id: task.id, team: pool.team.id });
    if (this.rand() < BEHAVIOUR.earlyAssignShare) {
      const [min, max] = BEHAVIOUR.earlyAssignSeconds;
      this.schedule({ at: this.clock + Math.round(uniform(this.rand, min, max) * 1000), seq: 0, kind: 'start', task });
    } else {
      this.onStart(task);
    }
  }

  /** Schedules the queue's next arrival (none for a profile with no demand in the week ahead). */
  private scheduleArrival(queue: number, fromMs: number): void {
    const at = nextArrival(this.rand, this.rotas[queue].profile, fromMs);
    if (at !== undefined) this.schedule({ at, seq: 0, kind: 'arrival', queue });
  }

  private schedule(h: Happening): void {
    h.seq = this.seq++;
    this.agenda.push(h);
  }

  private emit(draft: Draft<OpsEvent>): void {
    const { type, ...fields } = draft;
    const event = {
      event_id: `evt-${this.runTag}-${(this.eventCounter++).toString(36)}`,
      type,
      occurred_at: new Date(this.clock).toISOString(),
      ...fields,
    } as OpsEvent;
    this.out.push(event);
  }
}
