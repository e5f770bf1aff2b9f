/**
 * FHIR fixtures shaped like what EHRs send: Task versions, transaction and batch Bundles, and
 * topic-based subscription notifications (R4B/R5 `SubscriptionStatus` first, or the R4
 * backport's `Parameters`), over a test configuration with a `fhir` mapping.
 */
import type { Bundle, BundleEntry, Task } from '@medplum/fhirtypes';
import { parseConfig, type OpsConfig } from '../../contracts/config.js';
import { REF_NOW, refConfig } from './random-events.js';

export const WORK_QUEUE_SYSTEM = 'http://hospital.example.org/fhir/CodeSystem/work-queue';

/** The reference configuration with a `fhir` mapping: two work-queue codes, three owners. */
export function fhirConfig(base: OpsConfig = refConfig): OpsConfig {
  const { queueIndex: _q, teamIndex: _t, ...raw } = base;
  return parseConfig({
    ...raw,
    fhir: {
      queue_by: 'code',
      queues: { 'patient-registration': 'registration', 'prior-auth-review': 'insurance' },
      owners: { 'Organization/rcm-a': 'inhouse-a', 'Practitioner/b-17': 'inhouse-b', 'Organization/partner-x': 'partner-x' },
    },
  });
}

/** An ISO instant `minutesAgo` before the reference now. */
export const ago = (minutesAgo: number) => new Date(REF_NOW - minutesAgo * 60_000).toISOString();

/** A minimal Task: status requested, the given code, authored `minutesAgo` before now. */
export function task(id: string, overrides: Partial<Task> = {}, code = 'prior-auth-review', minutesAgo = 30): Task {
  return {
    resourceType: 'Task',
    id,
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: WORK_QUEUE_SYSTEM, code }] },
    authoredOn: ago(minutesAgo),
    lastModified: ago(minutesAgo),
    ...overrides,
  };
}

/** The three versions of one Task over time: requested, in progress with an owner, completed. */
export function lifecycle(id: string, owner = 'Organization/rcm-a', code = 'prior-auth-review'): [Task, Task, Task] {
  const requested = task(id, {}, code, 50);
  const inProgress = task(id, { status: 'in-progress', owner: { reference: owner }, executionPeriod: { start: ago(20) }, lastModified: ago(20) }, code, 50);
  const completed = task(id, { status: 'completed', owner: { reference: owner }, executionPeriod: { start: ago(20), end: ago(5) }, lastModified: ago(5) }, code, 50);
  return [requested, inProgress, completed];
}

/** A topic-based rest-hook notification (R4B/R5): SubscriptionStatus first, then the Task versions. */
export function notification(tasks: Task[], events = 1): Bundle {
  const status: BundleEntry = {
    fullUrl: 'urn:uuid:6f4a1f3e-0000-4000-8000-000000000001',
    resource: {
      resourceType: 'SubscriptionStatus',
      status: 'active',
      type: 'event-notification',
      eventsSinceSubscriptionStart: String(events),
      notificationEvent: [{ eventNumber: String(events), focus: { reference: `Task/${tasks[0]?.id}` } }],
      subscription: { reference: 'Subscription/ops-work-queue' },
      topic: 'http://hl7.org/fhir/SubscriptionTopic/task-changes',
    },
  };
  const entries: BundleEntry[] = tasks.map((t) => ({ fullUrl: `https://ehr.example.org/fhir/Task/${t.id}`, resource: t, request: { method: 'PUT', url: `Task/${t.id}` }, response: { status: '200' } }));
  return { resourceType: 'Bundle', type: 'history', timestamp: ago(0), entry: [status, ...entries] };
}

/** The R4 backport's notification: a `Parameters` status entry first. */
export function backportNotification(tasks: Task[]): Bundle {
  const status: BundleEntry = {
    fullUrl: 'urn:uuid:6f4a1f3e-0000-4000-8000-000000000002',
    resource: {
      resourceType: 'Parameters',
      meta: { profile: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4'] },
      parameter: [
        { name: 'subscription', valueReference: { reference: 'Subscription/ops-work-queue' } },
        { name: 'topic', valueCanonical: 'http://hl7.org/fhir/SubscriptionTopic/task-changes' },
        { name: 'status', valueCode: 'active' },
        { name: 'type', valueCode: 'event-notification' },
      ],
    },
  };
  return { resourceType: 'Bundle', type: 'history', entry: [status, ...tasks.map((t) => ({ fullUrl: `Task/${t.id}`, resource: t }))] };
}

/** A transaction or batch Bundle of Tasks, each entry with its request. */
export function bundleOf(type: 'transaction' | 'batch', entries: { resource?: unknown; method?: string; url?: string }[]): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: entries.map((e) => ({ ...(e.resource !== undefined && { resource: e.resource as Task }), request: { method: (e.method ?? 'PUT') as 'PUT', url: e.url ?? 'Task' } })),
  };
}
