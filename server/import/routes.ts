/**
 * `POST /api/import` (admin): history from exports, a body of any size streamed through the same
 * ingest as `POST /api/events`. `Content-Type: text/csv` with the mapping in the query string, or
 * `application/x-ndjson` of our events. Answers 200 with the summary once every batch is stored;
 * an import that stops half-way keeps what it stored, and is an audit record either way (who,
 * the SHA-256 of the bytes and of the file name, the counts): never the name or the content.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { IdSource } from '../../contracts/clock.js';
import type { OpsConfig } from '../../contracts/config.js';
import { DomainError } from '../../contracts/errors.js';
import { DEFAULT_RETENTION_DAYS } from '../../contracts/events.js';
import { csvMappingOf, importQuerySchema, type CsvMapping, type ImportFormat, type ImportSummary } from '../../contracts/import.js';
import { describeIssues, MAX_REASON_LENGTH } from '../../contracts/issues.js';
import type { AuditActor } from '../audit/audit-records.js';
import { stamp } from '../audit/audit-records.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Telemetry } from '../telemetry.js';
import { csvItems, ndjsonItems } from './import-items.js';
import { emptySummary, runImport, type Ingest, type ImportItem } from './import-stream.js';

export interface ImportRouteDeps {
  config: OpsConfig;
  ingest: Ingest;
  clock: () => number;
  ids: IdSource;
  logger: Logger;
  telemetry: Telemetry;
  audit?: AuditLog;
  retentionDays?: number;
}

const FORMAT_BY_MEDIA: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/json': 'ndjson' };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The handler, after authentication and `requireRole(admin)`. */
export function importHandler(deps: ImportRouteDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    runRequest(deps, req, res).catch(next);
  };
}

async function runRequest(deps: ImportRouteDeps, req: Request, res: Response): Promise<void> {
  const query = importQuerySchema.safeParse(req.query);
  if (!query.success) throw new DomainError('invalid', describeIssues(query.error.issues, { subject: 'query', input: req.query, maxLength: MAX_REASON_LENGTH }));
  const media = req.get('content-type')?.split(';')[0].trim().toLowerCase();
  const byMedia = media === undefined ? undefined : FORMAT_BY_MEDIA[media];
  if (media !== undefined && byMedia === undefined) throw new DomainError('unsupported_type', 'the body must be CSV (Content-Type text/csv) or NDJSON (application/x-ndjson)');
  const format = query.data.format ?? byMedia;
  if (format === undefined) throw new DomainError('invalid', 'say what the body is: Content-Type text/csv or application/x-ndjson');
  const { map, queues, teams, defaults, time_zone } = query.data;
  if (format === 'ndjson' && [map, queues, teams, defaults, time_zone].some((v) => v !== undefined)) {
    throw new DomainError('invalid', 'map, queues, teams, defaults and time_zone are for CSV; NDJSON lines are events as they are');
  }
  let mapping: CsvMapping | undefined;
  try {
    mapping = format === 'csv' ? csvMappingOf(query.data) : undefined;
  } catch (err) {
    throw new DomainError('invalid', (err as Error).message);
  }

  const digest = createHash('sha256');
  const body = (async function* () {
    // NOTE: not destroyed when reading stops early (a header that lacks a column): the answer still goes out.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      digest.update(chunk);
      yield chunk;
    }
  })();
  const retentionDays = deps.retentionDays;
  const now = deps.clock();
  const items: AsyncIterable<ImportItem> = mapping
    ? csvItems(body, { mapping, config: deps.config, now, retentionDays: retentionDays ?? DEFAULT_RETENTION_DAYS })
    : ndjsonItems(body);
  const summary = emptySummary(format);
  const principal = req.principal!;
  const actor: AuditActor = { name: principal.name, role: principal.role };
  const record = (complete: boolean) => recordImport(deps, actor, summary, digest.copy().digest('hex'), query.data.name, complete);
  try {
    await runImport(items, deps.ingest, summary);
  } catch (err) {
    // NOTE: a mapping the header does not match fails before anything is stored: nothing to record.
    if (summary.events > 0 || summary.records > 0) await record(false);
    if (req.destroyed && !req.complete) {
      deps.logger.warn({ format, records: summary.records, accepted: summary.accepted }, 'history import stopped: the connection closed before the end of the file (what was stored stays)');
      return;
    }
    // TRICKY: a client still sending the rest of the body reads no answer until it has sent it
    // (fetch waits so): the rest is read and dropped, and the connection closed after the answer.
    res.set('Connection', 'close');
    if (!req.complete) req.resume();
    if (err instanceof DomainError && summary.accepted + summary.duplicates > 0) {
      throw new DomainError(err.kind, `${err.message}; the import stopped after storing ${summary.accepted} new events: run it again to add the rest`, { summary });
    }
    throw err;
  } finally {
    countInTelemetry(deps.telemetry, summary);
  }
  await record(true);
  deps.logger.info({ format, records: summary.records, events: summary.events, accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected_count }, 'history imported');
  res.status(200).json(summary);
}

function countInTelemetry(telemetry: Telemetry, summary: ImportSummary): void {
  telemetry.eventsAccepted.inc(summary.accepted);
  telemetry.eventsDuplicate.inc({ source: 'import' }, summary.duplicates);
  telemetry.eventsRejected.inc({ source: 'import' }, summary.rejected_count);
}

async function recordImport(deps: ImportRouteDeps, actor: AuditActor, summary: ImportSummary, sourceSha256: string, name: string | undefined, complete: boolean): Promise<void> {
  if (!deps.audit) return;
  const entry = {
    actor: actor.name,
    role: actor.role,
    action: 'history.imported' as const,
    target: summary.format,
    details: {
      format: summary.format,
      source_sha256: sourceSha256,
      name_sha256: name === undefined ? null : sha256(name),
      records: summary.records,
      events: summary.events,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      rejected: summary.rejected_count,
      complete,
    },
  };
  await deps.audit.append([stamp(entry, deps.ids, deps.clock())]).catch((err: unknown) => {
    // NOTE: the events are stored either way; a missing audit record must not turn that into an error.
    deps.logger.error({ err }, 'a history import was NOT recorded on the audit trail');
  });
}
