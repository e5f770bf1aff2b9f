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

/** Patient-like text put in every element the mapping does not read (privacy tests grep for it). */
export const MARKER = 'Jane Q Marker DOB 1961-02-03 MRN 99887766';
/** Parts of the marker that must not show either. */
export const PIECES = [MARKER, 'Marker', '1961-02-03', '99887766'];
export const M = MARKER;

/** A Task as an EHR sends it: the marker in every element that is not mapped (and some mapped values that are). */
export function markedEhrTask(id: string, version: Partial<Task>): Task {
  const reference = (type: string) => ({ reference: `${type}/${M}`, display: M, identifier: { system: M, value: M }, type });
  return {
    resourceType: 'Task',
    id,
    meta: { versionId: M, lastUpdated: ago(1), source: M, profile: [`http://example.org/${M}`], security: [{ system: M, code: M, display: M }], tag: [{ system: M, code: M }] },
    implicitRules: M,
    language: M,
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${M}</div>` },
    contained: [{ resourceType: 'Patient', id: 'pat1', name: [{ text: M, family: M, given: [M] }], birthDate: '1961-02-03', identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: M }] }],
    extension: [{ url: `http://example.org/ext/${M}`, valueString: M }],
    modifierExtension: [{ url: `http://example.org/mod/${M}`, valueString: M }],
    identifier: [{ system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.836982', value: M, type: { text: M } }],
    instantiatesCanonical: M,
    instantiatesUri: M,
    basedOn: [reference('ServiceRequest')],
    groupIdentifier: { system: M, value: M },
    partOf: [reference('Task')],
    statusReason: { text: M, coding: [{ system: M, code: M, display: M }] },
    businessStatus: { text: M, coding: [{ system: M, code: M, display: M }] },
    status: 'requested',
    intent: 'order',
    priority: 'urgent',
    code: { text: M, coding: [{ system: M, code: 'prior-auth-review', display: M, version: M }, { system: M, code: M, display: M }] },
    description: M,
    focus: reference('ServiceRequest'),
    for: reference('Patient'),
    encounter: reference('Encounter'),
    authoredOn: ago(40),
    lastModified: ago(1),
    requester: reference('Practitioner'),
    performerType: [{ text: M, coding: [{ system: M, code: M }] }],
    owner: { reference: 'Organization/rcm-a', display: M, identifier: { system: M, value: M } },
    location: reference('Location'),
    reasonCode: { text: M },
    reasonReference: reference('Condition'),
    insurance: [reference('Coverage')],
    note: [{ authorString: M, time: ago(2), text: M }],
    relevantHistory: [reference('Provenance')],
    restriction: { repetitions: 1, period: { start: ago(60), end: ago(0) }, recipient: [reference('Patient')] },
    input: [{ type: { text: M }, valueString: M }, { type: { text: M }, valueReference: reference('DocumentReference') }],
    output: [{ type: { text: M }, valueString: M }],
    ...version,
  } as Task;
}

export const markedVersions: Task[] = [
  markedEhrTask('ehr-task-1', { status: 'requested' }),
  markedEhrTask('ehr-task-1', { status: 'in-progress', executionPeriod: { start: ago(20) } }),
  markedEhrTask('ehr-task-1', { status: 'completed', executionPeriod: { start: ago(20), end: ago(1) } }),
];

/** The notification around them, with the marker in the Bundle's own unmapped elements too. */
export function markedNotification(tasks: Task[]): Bundle {
  const bundle = notification(tasks);
  return {
    ...bundle,
    id: M,
    meta: { source: M },
    identifier: { system: M, value: M },
    entry: bundle.entry!.map((e, i) => ({ ...e, fullUrl: i === 0 ? `urn:uuid:${M}` : `https://ehr.example.org/fhir/Task/${M}`, search: { mode: 'match' }, response: { status: '200', location: M, etag: M } })),
  };
}
