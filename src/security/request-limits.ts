/**
 * How much a request may carry and how long it may take to arrive. One place, so the README's security section
 * and the code agree. The HTTP side lives in web/middleware/request-body.ts and server.ts.
 */

/** Largest request body, in bytes, for every route that does not need more. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Comment forms carry up to 10,000 characters; URL-encoded, a character outside ASCII takes up to 9 bytes
 * (`%E4%B8%AD`), so they get room for 90 KB plus the other fields.
 */
export const COMMENT_BODY_LIMIT_BYTES = 128 * 1024;

const COMMENT_WRITE_PATH = /^\/(papers\/.+\/comments|comments\/\d+\/edit)$/;

/** A BibTeX import (an uploaded file or pasted entries): room for a library of a few thousand entries. */
export const BIBTEX_IMPORT_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

const BIBTEX_IMPORT_PATH = '/library/import';

/** The body limit of a request path. */
export function bodyLimitFor(path: string): number {
  if (path === BIBTEX_IMPORT_PATH) return BIBTEX_IMPORT_BODY_LIMIT_BYTES;
  return COMMENT_WRITE_PATH.test(path) ? COMMENT_BODY_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES;
}

/** Most fields a posted form may have (the largest form has 5). */
export const MAX_FORM_FIELDS = 50;

/** Timeouts of the Node HTTP server, in milliseconds. */
export interface HttpTimeouts {
  /** Until the request line and every header have arrived. */
  readonly headersTimeout: number;
  /** Until the whole request, body included, has arrived. */
  readonly requestTimeout: number;
  /** How long an idle keep-alive connection stays open between requests. */
  readonly keepAliveTimeout: number;
  /** How often the server looks for requests past their timeouts. */
  readonly checkIntervalMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  checkIntervalMs: 2_000,
};
