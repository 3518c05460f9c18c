import { createHash } from 'node:crypto';

/** A strong entity tag derived from the bytes of a representation: equal bytes, equal tag. */
export function strongEtagOf(body: Uint8Array): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * The tag of the same content sent with a content coding. A compressed body is a different representation, so it
 * needs a different tag: a cache holding the gzip bytes must not answer a brotli client's revalidation with them.
 */
export function etagForCoding(etag: string, coding: string): string {
  return `${etag.slice(0, -1)}-${coding}"`;
}

interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

function parseOne(tag: string): EntityTag | null {
  const weak = tag.startsWith('W/');
  const quoted = weak ? tag.slice(2) : tag;
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return null;
  const opaque = quoted.slice(1, -1);
  return opaque.includes('"') ? null : { weak, opaque };
}

/**
 * The tags of an If-None-Match or If-Match field: '*' or a comma-separated list (RFC 9110 §8.8.3). Commas may
 * appear inside a quoted tag, so the list is scanned rather than split. Malformed members are skipped.
 */
export function parseEntityTagList(field: string): '*' | EntityTag[] {
  if (field.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < field.length) {
    while (i < field.length && (field[i] === ',' || field[i] === ' ' || field[i] === '\t')) i += 1;
    if (i >= field.length) break;
    const start = i;
    if (field.startsWith('W/', i)) i += 2;
    if (field[i] === '"') {
      const close = field.indexOf('"', i + 1);
      i = close === -1 ? field.length : close + 1;
    } else {
      while (i < field.length && field[i] !== ',') i += 1;
    }
    const tag = parseOne(field.slice(start, i).trim());
    if (tag) tags.push(tag);
  }
  return tags;
}

/** Weak comparison (If-None-Match): the opaque parts are equal, whether either tag is weak or not. */
export function matchesWeakly(field: string, etag: string): boolean {
  const list = parseEntityTagList(field);
  if (list === '*') return true;
  const current = parseOne(etag);
  return current !== null && list.some((tag) => tag.opaque === current.opaque);
}

/** Strong comparison (If-Match): both tags are strong and their opaque parts are equal. */
export function matchesStrongly(field: string, etag: string): boolean {
  const list = parseEntityTagList(field);
  if (list === '*') return true;
  const current = parseOne(etag);
  return current !== null && !current.weak && list.some((tag) => !tag.weak && tag.opaque === current.opaque);
}
