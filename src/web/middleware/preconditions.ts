import { matchesStrongly, matchesWeakly } from './entity-tags.js';

export interface Validators {
  readonly etag: string | null;
  /** Milliseconds since the epoch, a whole second; null when the representation has no Last-Modified. */
  readonly lastModified: number | null;
}

export type PreconditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

/**
 * An HTTP-date as milliseconds, or null when the field is not one date (RFC 9110 §5.6.7). IMF-fixdate and the
 * obsolete RFC 850 form have one comma; asctime has none and no zone (it is always GMT).
 */
function httpDate(field: string | null): number | null {
  if (field === null || field.split(',').length > 2) return null;
  const time = Date.parse(/GMT\s*$/i.test(field) ? field : `${field} GMT`);
  return Number.isFinite(time) ? time : null;
}

/**
 * Evaluates the conditional headers of a GET or HEAD request against the selected representation, in the order
 * of RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since. A date
 * later than `now` is not a valid validator and is ignored.
 */
export function evaluatePreconditions(headers: Headers, current: Validators, now: number): PreconditionOutcome {
  const ifMatch = headers.get('if-match');
  if (ifMatch !== null) {
    if (current.etag === null || !matchesStrongly(ifMatch, current.etag)) return 'precondition-failed';
  } else {
    const since = httpDate(headers.get('if-unmodified-since'));
    if (since !== null && since <= now && current.lastModified !== null && current.lastModified > since) return 'precondition-failed';
  }
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    return current.etag !== null && matchesWeakly(ifNoneMatch, current.etag) ? 'not-modified' : 'proceed';
  }
  const modifiedSince = httpDate(headers.get('if-modified-since'));
  if (modifiedSince !== null && modifiedSince <= now && current.lastModified !== null && current.lastModified <= modifiedSince) {
    return 'not-modified';
  }
  return 'proceed';
}
