/**
 * The simulator as a FHIR source: each simulated task is a FHIR R4 `Task` whose versions follow
 * its events (requested -> accepted -> in-progress -> completed / cancelled), sent as the
 * `history` Bundle a topic-based rest-hook subscription posts (`SubscriptionStatus` first, then
 * the Task versions, `full-resource`). Codes and owners come from the configuration's `fhir`
 * mapping read backwards; work that is not a Task (staffing) stays as events.
 *
 * `prepare` does not change what the source remembers: `commit` does, once the bundle was taken,
 * so a batch the ingest refused can be prepared again from the same state.
 */
import type { Bundle, BundleEntry, Task } from '@medplum/fhirtypes';
import type { FhirMapping, OpsConfig } from '../contracts/config.js';
import type { OpsEvent, StaffingEvent, TaskEvent } from '../contracts/events.js';
import type { CarriedTask } from './model-parts.js';

/** The code system the simulated work-queue codes are said to come from. */
export const SIMULATED_CODE_SYSTEM = 'http://example.org/fhir/CodeSystem/back-office-work-queue';

interface TaskState {
  queue: string;
  authoredOn: string;
  version: number;
  status: NonNullable<Task['status']>;
  owner?: string;
  start?: string;
  end?: string;
  lastModified: string;
}

export interface PreparedBatch {
  /** The notification carrying one Task version per task event (none when the batch had no task events). */
  bundle?: Bundle;
  /** Events with no FHIR Task form (staffing), sent as events. */
  staffing: StaffingEvent[];
  /** Remember the Task versions sent (call once the bundle was taken). */
  commit(): void;
}

/** Why `config` cannot drive a FHIR source (its `fhir` mapping misses a queue or a team), or undefined. */
export function fhirSourceProblem(config: OpsConfig): string | undefined {
  const mapping = config.fhir;
  if (!mapping) return 'SIMULATOR_FORMAT=fhir needs a fhir mapping in the configuration';
  const queues = new Set(Object.values(mapping.queues));
  const teams = new Set(Object.values(mapping.owners));
  const unmappedQueues = config.queues.filter((q) => !queues.has(q.id)).map((q) => q.id);
  const unmappedTeams = config.teams.filter((t) => !teams.has(t.id)).map((t) => t.id);
  if (unmappedQueues.length > 0) return `SIMULATOR_FORMAT=fhir: fhir.queues maps nothing to queue(s) ${unmappedQueues.join(', ')}`;
  if (unmappedTeams.length > 0) return `SIMULATOR_FORMAT=fhir: fhir.owners maps nothing to team(s) ${unmappedTeams.join(', ')}`;
  return undefined;
}

/** Turns the simulator's task events into FHIR Task versions, remembering each open task's state. */
export class FhirTaskSource {
  private readonly tasks = new Map<string, TaskState>();
  private readonly codeOfQueue = new Map<string, string>();
  private readonly ownerOfTeam = new Map<string, string>();
  private readonly identifierSystem: string | undefined;
  private notifications = 0;

  /** Throws naming what the `fhir` mapping lacks for the simulated work. */
  constructor(config: OpsConfig, carried: readonly CarriedTask[] = []) {
    const problem = fhirSourceProblem(config);
    if (problem) throw new Error(problem);
    const mapping = config.fhir as FhirMapping;
    for (const [code, queue] of Object.entries(mapping.queues)) if (!this.codeOfQueue.has(queue)) this.codeOfQueue.set(queue, code);
    for (const [reference, team] of Object.entries(mapping.owners)) if (!this.ownerOfTeam.has(team)) this.ownerOfTeam.set(team, reference);
    this.identifierSystem = mapping.queue_by === 'code' ? undefined : mapping.queue_by.slice('identifier:'.length);
    for (const task of carried) {
      const at = new Date(task.created_at).toISOString();
      this.tasks.set(task.task_id, { queue: task.queue, authoredOn: at, version: 1, status: 'requested', lastModified: at });
    }
  }

  /** The Task versions `events` imply, and the events that stay events. */
  prepare(events: readonly OpsEvent[]): PreparedBatch {
    const next = new Map<string, TaskState | undefined>();
    const versions: Task[] = [];
    const staffing: StaffingEvent[] = [];
    for (const event of events) {
      if (event.type === 'staffing.updated') {
        staffing.push(event);
        continue;
      }
      const before = next.has(event.task_id) ? next.get(event.task_id) : this.tasks.get(event.task_id);
      const after = advance(before, event);
      // NOTE: a task seen only after its creation (none in the model's output) cannot be a Task: no authoredOn.
      if (!after) continue;
      next.set(event.task_id, after.status === 'completed' || after.status === 'cancelled' ? undefined : after);
      versions.push(this.resource(event.task_id, after));
    }
    const bundle = versions.length > 0 ? this.notification(versions) : undefined;
    return {
      bundle,
      staffing,
      commit: () => {
        for (const [id, state] of next) {
          if (state) this.tasks.set(id, state);
          else this.tasks.delete(id);
        }
        if (bundle) this.notifications++;
      },
    };
  }

  /** Tasks open now (for tests: what the source still remembers). */
  get openTasks(): number {
    return this.tasks.size;
  }

  private resource(id: string, state: TaskState): Task {
    const code = this.codeOfQueue.get(state.queue)!;
    return {
      resourceType: 'Task',
      id,
      meta: { versionId: String(state.version), lastUpdated: state.lastModified },
      status: state.status,
      intent: 'order',
      ...(this.identifierSystem === undefined
        ? { code: { coding: [{ system: SIMULATED_CODE_SYSTEM, code }] } }
        : { identifier: [{ system: this.identifierSystem, value: code }] }),
      authoredOn: state.authoredOn,
      lastModified: state.lastModified,
      ...(state.owner !== undefined && { owner: { reference: this.ownerOfTeam.get(state.owner) } }),
      ...((state.start !== undefined || state.end !== undefined) && { executionPeriod: { start: state.start, end: state.end } }),
    };
  }

  /** A topic-based subscription notification (R4B shape): SubscriptionStatus, then the Task versions. */
  private notification(tasks: Task[]): Bundle {
    const status: BundleEntry = {
      fullUrl: `urn:uuid:simulator-notification-${this.notifications + 1}`,
      resource: {
        resourceType: 'SubscriptionStatus',
        status: 'active',
        type: 'event-notification',
        eventsSinceSubscriptionStart: String(this.notifications + 1),
        subscription: { reference: 'Subscription/ops-command-center' },
        topic: 'http://hl7.org/fhir/SubscriptionTopic/task-changes',
      },
    };
    const entries: BundleEntry[] = tasks.map((task) => ({
      fullUrl: `Task/${task.id}`,
      resource: task,
      request: { method: 'PUT', url: `Task/${task.id}` },
      response: { status: task.meta?.versionId === '1' ? '201' : '200' },
    }));
    return { resourceType: 'Bundle', type: 'history', timestamp: tasks.at(-1)!.lastModified, entry: [status, ...entries] };
  }
}

/** The task's state after `event`, or undefined when the task was never created. */
function advance(state: TaskState | undefined, event: TaskEvent): TaskState | undefined {
  const at = event.occurred_at;
  if (event.type === 'task.created') return { queue: event.queue, authoredOn: at, version: 1, status: 'requested', lastModified: at };
  if (!state) return undefined;
  const next: TaskState = { ...state, version: state.version + 1, lastModified: at };
  switch (event.type) {
    case 'task.assigned':
      return { ...next, status: 'accepted', owner: event.team };
    case 'task.started':
      return { ...next, status: 'in-progress', owner: event.team, start: at };
    case 'task.completed':
      // NOTE: a completion without a start names no owner, or the ingest would count a start at lastModified.
      return { ...next, status: 'completed', end: at, owner: state.start === undefined ? undefined : state.owner };
    case 'task.cancelled':
      return { ...next, status: 'cancelled' };
  }
}
