/** The back-office model's knobs and the shapes it moves around (seed/back-office-model.ts). */
import type { TeamConfig } from '../contracts/config.js';

/** The behaviour's knobs, named so tests and docs can refer to them. */
export const BEHAVIOUR = {
  /** Share of tasks assigned some time before the agent starts them. */
  earlyAssignShare: 0.3,
  earlyAssignSeconds: [20, 240] as const,
  /** Partners' handling time relative to the queue's `handling_seconds`. */
  partnerSlowdown: 1.15,
  /** Log-normal shape of handling times (coefficient of variation about 0.6). */
  handlingSigma: 0.55,
  /**
   * Share of tasks withdrawn upstream while waiting (a duplicate request, a patient who called
   * off): nobody can act on them, and they are cancelled after one minute to half the target
   * (at most two hours).
   */
  withdrawnShare: 0.02,
  /** Probability of priority 1..5 on `task.created`. */
  priorityWeights: [0.03, 0.12, 0.7, 0.1, 0.05] as const,
  /** The rota is looked at on every quarter hour (shift changes land on the hour). */
  rotaTickMs: 15 * 60 * 1000,
};

export interface Pool {
  team: TeamConfig;
  queue: number;
  /** Position of the team in the queue's rota. */
  slot: number;
  staffed: number;
  busy: number;
  handlingFactor: number;
  boosts: { agents: number; untilMs: number }[];
}

export interface Task {
  id: string;
  queue: number;
  priority: number;
  createdAt: number;
  /** Set once an agent has it. */
  pool?: Pool;
}

export type Happening =
  | { at: number; seq: number; kind: 'arrival'; queue: number }
  | { at: number; seq: number; kind: 'start' | 'complete' | 'cancel'; task: Task }
  | { at: number; seq: number; kind: 'rota'; recurring: boolean };

export interface InLine {
  /** The instant that orders the task in its line (see the header). */
  at: number;
  seq: number;
  task: Task;
}

/** A task open in the stored data when the simulator starts again; `team` once started. */
export interface CarriedTask {
  task_id: string;
  queue: string;
  created_at: number;
  team?: string;
}

