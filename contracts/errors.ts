/**
 * Domain errors say what kind of thing went wrong, not which HTTP status to send: the HTTP edge
 * (server/http-errors.ts) holds the one map from kind to status.
 */

export const ERROR_KINDS = ['invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported_type', 'unavailable'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** An error the caller can act on; `message` names what is wrong and is safe to show. */
export class DomainError extends Error {
  override name = 'DomainError';

  /** `details` go to the caller; `cause` (what failed underneath) only to the log. */
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
