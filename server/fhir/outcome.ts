/**
 * The answers of the FHIR endpoints: an `OperationOutcome` for one Task, a `batch-response`
 * Bundle (one entry per input entry) for a Bundle. Diagnostics are built from our own words, the
 * element names and opaque ids only (never a value from the request), at most 200 characters.
 */
import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { capReason } from '../../contracts/issues.js';

export type IssueCode = OperationOutcomeIssue['code'];
export type Severity = OperationOutcomeIssue['severity'];

export interface Issue {
  severity: Severity;
  code: IssueCode;
  diagnostics: string;
}

/** What became of one Task (or one Bundle entry): its HTTP status and issues. */
export interface EntryResult {
  status: number;
  issues: Issue[];
}

const REASON_PHRASES: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `400 Bad Request`: a Bundle entry's `response.status`. */
export function statusLine(status: number): string {
  return `${status} ${REASON_PHRASES[status] ?? ''}`.trim();
}

/** An issue whose diagnostics are capped at 200 characters. */
export function issue(severity: Severity, code: IssueCode, diagnostics: string): Issue {
  return { severity, code, diagnostics: capReason(diagnostics) };
}

/** An OperationOutcome holding `issues`. */
export function operationOutcome(issues: readonly Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.map((i) => ({ ...i })) };
}

/** The `batch-response` Bundle: one entry per input entry, in order. */
export function batchResponse(results: readonly EntryResult[]): Bundle {
  const entry: BundleEntry[] = results.map((r) => ({ response: { status: statusLine(r.status), outcome: operationOutcome(r.issues) } }));
  return { resourceType: 'Bundle', type: 'batch-response', entry };
}

/** The FHIR issue code of an HTTP error status (the API's own `{error}` answers, re-shaped). */
export function issueCodeOfStatus(status: number): IssueCode {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 413) return 'too-costly';
  if (status === 415) return 'not-supported';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  return status >= 500 ? 'exception' : 'invalid';
}
