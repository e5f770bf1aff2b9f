/**
 * An acknowledgement is answered 200 once its audit record is stored (alerting.ts); the alert book
 * is saved after it, and a save that failed, or a crash between the two, would leave the stored
 * alert without it. On a restart the audit trail puts back every acknowledgement of a restored
 * alert that the stored book lacks, and the book is saved again: the trail is where an
 * acknowledgement is durable.
 */
import { AUDIT_LIMIT_MAX } from '../../contracts/audit.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DeskLogger } from '../capacity/capacity-desk.js';
import type { AlertBook } from './alert-book.js';
import type { AlertStore } from './alert-store.js';

/** Puts back acknowledgements recorded since `sinceMs` that the restored book lacks; resolves with how many. */
export async function recoverAcknowledgements(book: AlertBook, audit: AuditLog, store: AlertStore, sinceMs: number, logger: DeskLogger): Promise<number> {
  const records = await audit.query({ from: sinceMs, action: 'alert.acknowledged', limit: AUDIT_LIMIT_MAX });
  let recovered = 0;
  // NOTE: the query answers newest first; the book keeps acknowledgements in order of their instant anyway.
  for (const record of records.reverse()) {
    if (record.action !== 'alert.acknowledged') continue;
    const alert = book.get(record.target);
    if (!alert || alert.acknowledgements.some((a) => a.by === record.actor && a.at === record.at)) continue;
    book.addAcknowledgement(record.target, { by: record.actor, at: record.at, comment: record.details.comment });
    recovered++;
  }
  if (recovered === 0) return 0;
  logger.warn({ recovered }, 'acknowledgements missing from the stored alerts were put back from the audit trail');
  try {
    await store.save(book.stored());
  } catch (err) {
    logger.error({ err }, 'alerts NOT stored after recovering acknowledgements: they hold in memory, and the next change stores them again');
  }
  return recovered;
}
