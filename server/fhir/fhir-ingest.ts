/**
 * FHIR Task ingest: one Task, or a `transaction`, `batch` or subscription-notification `history`
 * Bundle of Tasks, turned into events and sent through the same ingest as `POST /api/events`
 * (validation, duplicates by `event_id`, stored before the answer). The HTTP routes and the
 * simulator's FHIR mode both call this.
 *
 * Each Task is taken whole or not at all: its events are checked before anything is sent, so an
 * error entry stores nothing of its Task.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { z } from 'zod';
import type { FhirMapping, OpsConfig } from '../../contracts/config.js';
import { checkEvent } from '../../contracts/events.js';
import { quoteIfOpaque } from '../../contracts/issues.js';
import type { BodyItem, IngestResponse } from '../ingest.js';
import { readTask } from './fhir-task.js';
import { batchResponse, issue, operationOutcome, type EntryResult, type Issue } from './outcome.js';
import { taskEvents, type TaskEvent } from './task-events.js';

/** At most this many entries per Bundle: each Task is up to 3 events, within the ingest's 10,000. */
export const MAX_BUNDLE_ENTRIES = 3000;
const BUNDLE_TYPES = ['transaction', 'batch', 'history'];
/** The first entry of a subscription notification: R4B/R5 `SubscriptionStatus`, or the R4 backport's `Parameters`. */
const NOTIFICATION_STATUS = new Set(['SubscriptionStatus', 'Parameters']);
const TASK_URL = /^Task\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export type EventIngest = (items: BodyItem[], onFresh?: (index: number) => void) => Promise<IngestResponse>;

export interface FhirIngestDeps {
  config: OpsConfig;
  /** The ingest behind `POST /api/events` (shared, so its in-flight duplicates are seen by both). */
  ingest: EventIngest;
  clock: () => number;
  retentionDays?: number;
}

/** What a FHIR call answers, and the counts the route reports. */
export interface FhirAnswer {
  status: number;
  body: OperationOutcome | Bundle;
  accepted: number;
  duplicates: number;
  /** The entries in error: their index and the element at fault (for the log: no values). */
  errors: { index: number; about: string }[];
}

export interface FhirIngest {
  /** `POST /fhir/Task`: one Task. */
  task(raw: unknown): Promise<FhirAnswer>;
  /** `POST /fhir`: a Bundle of Tasks. */
  bundle(raw: unknown): Promise<FhirAnswer>;
}

/** An input entry: a Task to translate, or already settled (skipped or refused). */
type Entry = { raw: unknown; idFromRequest?: string } | { settled: EntryResult };

const entrySchema = z.object({
  resource: z.unknown().optional(),
  request: z.object({ method: z.string().optional(), url: z.string().optional() }).optional(),
});

/** A Task whose events are ready to send. */
type TakenTask = { taskId: string; events: TaskEvent[]; warnings: string[] };

const errorResult = (status: number, code: Issue['code'], reason: string): EntryResult => ({ status, issues: [issue('error', code, reason)] });

/** Creates the FHIR ingest over the configuration's `fhir` mapping. */
export function createFhirIngest(deps: FhirIngestDeps & { mapping: FhirMapping }): FhirIngest {
  const { mapping } = deps;

  /** The events of one Task, every one checked (too old, in the future), or the result refusing it: the whole Task or nothing. */
  function prepareTask(entry: { raw: unknown; idFromRequest?: string }, now: number): TakenTask | EntryResult {
    const read = readTask(entry.raw, mapping);
    if (!read.ok) return errorResult(400, read.code, read.reason);
    const translated = taskEvents(read.task, mapping, entry.idFromRequest);
    if (!translated.ok) return errorResult(translated.code === 'code-invalid' ? 422 : 400, translated.code, translated.reason);
    for (const { event, element } of translated.events) {
      const check = checkEvent(event, deps.config, now, { retentionDays: deps.retentionDays });
      if (!check.ok) return errorResult(400, 'business-rule', check.reason.replace(/^occurred_at:/, `${element}:`));
    }
    return translated;
  }

  /** Translates, checks and ingests the entries; one result per entry, in order. */
  async function run(entries: Entry[]): Promise<{ results: EntryResult[]; accepted: number; duplicates: number }> {
    const now = deps.clock();
    const results: (EntryResult | undefined)[] = entries.map((e) => ('settled' in e ? e.settled : undefined));
    const items: BodyItem[] = [];
    const owner: { entry: number; event: TaskEvent }[] = [];
    const taken = new Map<number, TakenTask>();
    entries.forEach((entry, i) => {
      if ('settled' in entry) return;
      const prepared = prepareTask(entry, now);
      if ('status' in prepared) {
        results[i] = prepared;
        return;
      }
      taken.set(i, prepared);
      for (const event of prepared.events) {
        items.push({ index: owner.length, ok: true, value: event.event });
        owner.push({ entry: i, event });
      }
    });

    const fresh = new Set<number>();
    const outcome = items.length > 0 ? await deps.ingest(items, (index) => fresh.add(index)) : { accepted: 0, duplicates: 0, rejected: [] };
    // NOTE: only a race with the clock (the retention edge passed meanwhile) is rejected here.
    const rejectedByEntry = new Map<number, string>();
    const rejectedItems = new Set<number>();
    for (const r of outcome.rejected) {
      rejectedItems.add(r.index);
      rejectedByEntry.set(owner[r.index].entry, r.reason.replace(/^occurred_at:/, `${owner[r.index].event.element}:`));
    }
    const newTypes = new Map<number, string[]>();
    const stored = new Map<number, number>();
    owner.forEach(({ entry, event }, index) => {
      if (fresh.has(index)) newTypes.set(entry, [...(newTypes.get(entry) ?? []), event.event.type.slice('task.'.length)]);
      else if (!rejectedItems.has(index)) stored.set(entry, (stored.get(entry) ?? 0) + 1);
    });
    for (const [i, translated] of taken) {
      const news = newTypes.get(i) ?? [];
      const summary = `Task "${translated.taskId}": ${news.length} new event${news.length === 1 ? '' : 's'}${news.length > 0 ? ` (${news.join(', ')})` : ''}, ${stored.get(i) ?? 0} already stored`;
      const issues = [issue('information', 'informational', summary), ...translated.warnings.map((w) => issue('warning', 'incomplete', w))];
      const rejected = rejectedByEntry.get(i);
      results[i] = rejected === undefined ? { status: 200, issues } : { status: 400, issues: [issue('error', 'business-rule', rejected), ...issues] };
    }
    return { results: results as EntryResult[], accepted: outcome.accepted, duplicates: outcome.duplicates };
  }

  const errorsOf = (results: EntryResult[]) =>
    results.flatMap((r, index) => (r.status >= 400 ? [{ index, about: r.issues.find((x) => x.severity === 'error')?.diagnostics.split(':')[0] ?? 'entry' }] : []));

  /** A refusal of the whole request. */
  const refuse = (status: number, code: Issue['code'], reason: string): FhirAnswer => ({
    status,
    body: operationOutcome([issue('error', code, reason)]),
    accepted: 0,
    duplicates: 0,
    errors: [{ index: 0, about: reason.split(':')[0] }],
  });

  return {
    async task(raw) {
      if (typeof raw === 'object' && raw !== null && (raw as { resourceType?: unknown }).resourceType === 'Bundle') {
        return refuse(400, 'not-supported', 'resourceType: Bundle: POST /fhir/Task takes one Task; Bundles go to POST /fhir');
      }
      const { results, accepted, duplicates } = await run([{ raw }]);
      const [result] = results;
      // NOTE: 200 whatever the Task held (the contract): the OperationOutcome says what was refused and
      // why, as a Bundle entry's does; a request that is not one Task, or a write that failed, is not a 200.
      return { status: 200, body: operationOutcome(result.issues), accepted, duplicates, errors: errorsOf(results) };
    },

    async bundle(raw) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse(400, 'invalid', 'the body must be a FHIR Bundle (a JSON object)');
      const { resourceType, type, entry } = raw as { resourceType?: unknown; type?: unknown; entry?: unknown };
      if (resourceType !== 'Bundle') {
        const named = quoteIfOpaque(resourceType);
        return refuse(400, 'not-supported', `resourceType: ${named ? `${named} is not` : 'must be'} Bundle: POST /fhir takes a Bundle; one Task goes to POST /fhir/Task`);
      }
      if (typeof type !== 'string' || !BUNDLE_TYPES.includes(type)) {
        const named = quoteIfOpaque(type);
        return refuse(400, 'not-supported', `Bundle.type: ${named ? `${named} is not` : 'must be'} one of ${BUNDLE_TYPES.join(', ')}`);
      }
      if (entry !== undefined && !Array.isArray(entry)) return refuse(400, 'invalid', 'Bundle.entry: must be an array');
      const list: unknown[] = entry ?? [];
      if (list.length > MAX_BUNDLE_ENTRIES) return refuse(413, 'too-costly', `Bundle.entry: at most ${MAX_BUNDLE_ENTRIES} entries per Bundle, got ${list.length}`);
      const { results, accepted, duplicates } = await run(list.map((e, i) => entryOf(e, i, type)));
      return { status: 200, body: batchResponse(results), accepted, duplicates, errors: errorsOf(results) };
    },
  };
}

/** One Bundle entry: the Task it carries, or its settled result (the notification's status, a refusal). */
function entryOf(raw: unknown, index: number, bundleType: string): Entry {
  const where = `Bundle.entry[${index}]`;
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success || typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settled: errorResult(400, 'invalid', `${where}: must be an object with a resource (and a request)`) };
  }
  const { resource, request } = parsed.data;
  const resourceType = typeof resource === 'object' && resource !== null ? (resource as { resourceType?: unknown }).resourceType : undefined;
  if (bundleType === 'history' && index === 0 && typeof resourceType === 'string' && NOTIFICATION_STATUS.has(resourceType)) {
    return { settled: { status: 200, issues: [issue('information', 'informational', `${where}: the notification's ${resourceType}: read as the header, nothing stored`)] } };
  }
  const method = request?.method;
  if (method !== undefined && method !== 'PUT' && method !== 'POST') {
    const named = quoteIfOpaque(method);
    return { settled: errorResult(405, 'not-supported', `${where}.request.method: ${named ?? 'this method'} is not taken: only PUT and POST of a Task; a Task that ends is sent with status cancelled`) };
  }
  if (resource === undefined) {
    return { settled: errorResult(400, 'required', `${where}.resource: is required: subscriptions must send full-resource content (id-only notifications carry no Task)`) };
  }
  const url = request?.url?.match(TASK_URL);
  return { raw: resource, idFromRequest: method === 'PUT' ? url?.[1] : undefined };
}
