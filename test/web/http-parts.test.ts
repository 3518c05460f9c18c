import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachePolicyFor, mergeVary } from '../../src/web/middleware/cache-policy.js';
import { isCompressibleType, negotiateCoding } from '../../src/web/middleware/content-coding.js';
import { etagForCoding, matchesStrongly, matchesWeakly, parseEntityTagList, strongEtagOf } from '../../src/web/middleware/entity-tags.js';
import { withUtf8Charset } from '../../src/web/middleware/json-charset.js';
import { ModificationClock } from '../../src/web/middleware/modification-clock.js';
import { evaluatePreconditions } from '../../src/web/middleware/preconditions.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('entity tags', () => {
  it('are strong, equal for equal bytes and different for different bytes', () => {
    expect(strongEtagOf(bytes('a'))).toBe(strongEtagOf(bytes('a')));
    expect(strongEtagOf(bytes('a'))).not.toBe(strongEtagOf(bytes('b')));
    expect(strongEtagOf(bytes('a'))).toMatch(/^"[\w-]+"$/);
  });

  it('differ per content coding', () => {
    expect(etagForCoding('"abc"', 'br')).toBe('"abc-br"');
    expect(etagForCoding('W/"abc"', 'gzip')).toBe('W/"abc-gzip"');
  });

  it('parse lists with weak tags, odd spacing and commas inside quotes', () => {
    expect(parseEntityTagList('*')).toBe('*');
    expect(parseEntityTagList(' "a" ,W/"b",  "c,d", junk, "e"')).toEqual([
      { weak: false, opaque: 'a' },
      { weak: true, opaque: 'b' },
      { weak: false, opaque: 'c,d' },
      { weak: false, opaque: 'e' },
    ]);
  });

  it('compare weakly for If-None-Match and strongly for If-Match (RFC 9110 §8.8.3.2)', () => {
    expect(matchesWeakly('W/"1"', '"1"')).toBe(true);
    expect(matchesWeakly('"0", "1"', 'W/"1"')).toBe(true);
    expect(matchesWeakly('"2"', '"1"')).toBe(false);
    expect(matchesWeakly('*', '"1"')).toBe(true);
    expect(matchesStrongly('W/"1"', '"1"')).toBe(false);
    expect(matchesStrongly('"1"', 'W/"1"')).toBe(false);
    expect(matchesStrongly('"0", "1"', '"1"')).toBe(true);
  });

  it('never throw on arbitrary field values', () => {
    fc.assert(
      fc.property(fc.string(), (field) => {
        expect(typeof matchesWeakly(field, '"x"')).toBe('boolean');
        expect(typeof matchesStrongly(field, '"x"')).toBe('boolean');
      }),
    );
  });
});

describe('preconditions (RFC 9110 §13.2.2)', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  const lastModified = Date.parse('2026-01-01T12:00:00Z');
  const current = { etag: '"v2"', lastModified };
  const evaluate = (headers: Record<string, string>) => evaluatePreconditions(new Headers(headers), current, now);

  it('answers a matching If-None-Match with not-modified, a different one with the content', () => {
    expect(evaluate({ 'if-none-match': '"v1", "v2"' })).toBe('not-modified');
    expect(evaluate({ 'if-none-match': '"v1"' })).toBe('proceed');
    expect(evaluate({ 'if-none-match': '*' })).toBe('not-modified');
  });

  it('uses If-Modified-Since only without If-None-Match, and only valid past dates', () => {
    const at = new Date(lastModified).toUTCString();
    const before = new Date(lastModified - 1000).toUTCString();
    expect(evaluate({ 'if-modified-since': at })).toBe('not-modified');
    expect(evaluate({ 'if-modified-since': before })).toBe('proceed');
    expect(evaluate({ 'if-modified-since': at, 'if-none-match': '"v1"' })).toBe('proceed');
    expect(evaluate({ 'if-modified-since': 'yesterday-ish' })).toBe('proceed');
    expect(evaluate({ 'if-modified-since': new Date(now + 86_400_000).toUTCString() })).toBe('proceed');
    expect(evaluate({ 'if-modified-since': 'Thu Jan  1 12:00:00 2026' })).toBe('not-modified');
    expect(evaluatePreconditions(new Headers({ 'if-modified-since': at }), { etag: '"v2"', lastModified: null }, now)).toBe('proceed');
  });

  it('fails If-Match and If-Unmodified-Since that do not hold', () => {
    expect(evaluate({ 'if-match': '"v1"' })).toBe('precondition-failed');
    expect(evaluate({ 'if-match': '"v2"' })).toBe('proceed');
    expect(evaluate({ 'if-match': 'W/"v2"' })).toBe('precondition-failed');
    expect(evaluate({ 'if-unmodified-since': new Date(lastModified - 1000).toUTCString() })).toBe('precondition-failed');
    expect(evaluate({ 'if-unmodified-since': new Date(lastModified).toUTCString() })).toBe('proceed');
  });
});

describe('Accept-Encoding negotiation (RFC 9110 §12.5.3)', () => {
  it('sends identity without the field, with an empty field, and for small bodies', () => {
    expect(negotiateCoding(undefined, true)).toBe('identity');
    expect(negotiateCoding('', true)).toBe('identity');
    expect(negotiateCoding('gzip, br', false)).toBe('identity');
  });

  it('prefers brotli on a tie and otherwise follows q-values', () => {
    expect(negotiateCoding('gzip, deflate, br', true)).toBe('br');
    expect(negotiateCoding('br;q=0.5, gzip;q=0.9', true)).toBe('gzip');
    expect(negotiateCoding('BR;Q=1, x-gzip', true)).toBe('br');
    expect(negotiateCoding('*', true)).toBe('br');
    expect(negotiateCoding('*;q=0.2, gzip;q=0.5', true)).toBe('gzip');
  });

  it('honours q=0 refusals, identity included', () => {
    expect(negotiateCoding('br;q=0, gzip', true)).toBe('gzip');
    expect(negotiateCoding('gzip;q=0, br;q=0', true)).toBe('identity');
    expect(negotiateCoding('*;q=0, gzip;q=0.1', true)).toBe('gzip');
    expect(negotiateCoding('deflate', true)).toBe('identity');
    // Refusing identity makes even a small body go compressed.
    expect(negotiateCoding('gzip, identity;q=0', false)).toBe('gzip');
    expect(negotiateCoding('identity;q=1, gzip;q=0.5', true)).toBe('identity');
  });

  it('compresses text types only', () => {
    for (const type of [
      'text/html; charset=UTF-8',
      'application/json',
      'application/atom+xml; charset=utf-8',
      'application/rss+xml',
      'text/css',
      'text/javascript',
      'image/svg+xml',
      'application/problem+json',
    ]) {
      expect(isCompressibleType(type), type).toBe(true);
    }
    for (const type of ['image/png', 'image/x-icon', 'application/gzip', 'application/octet-stream', 'application/zip']) {
      expect(isCompressibleType(type), type).toBe(false);
    }
    expect(isCompressibleType(null)).toBe(false);
  });
});

describe('modification clock', () => {
  it('dates a tag from the second after it first appeared, and redates it when it changes', () => {
    let now = Date.parse('2026-01-01T00:00:00.400Z');
    const clock = new ModificationClock(10, () => now);
    expect(clock.lastModified('/f', '"a"')).toBeNull();
    now += 700;
    const first = clock.lastModified('/f', '"a"');
    expect(first).toBe(Date.parse('2026-01-01T00:00:01Z'));
    now += 100;
    // A change within the same second as the old date gets a later date, so If-Modified-Since never mixes them.
    expect(clock.lastModified('/f', '"b"')).toBeNull();
    now += 1000;
    expect(clock.lastModified('/f', '"b"')).toBe(Date.parse('2026-01-01T00:00:02Z'));
    expect(clock.lastModified('/f', '"b"')! > first!).toBe(true);
  });

  it('forgets the least recently used URLs beyond its size', () => {
    let now = 10_000;
    const clock = new ModificationClock(2, () => now);
    clock.lastModified('/a', '"1"');
    clock.lastModified('/b', '"1"');
    now += 5000;
    clock.lastModified('/a', '"1"');
    clock.lastModified('/c', '"1"');
    // /b was forgotten, so it is dated anew; /a kept its date.
    now += 1000;
    expect(clock.lastModified('/a', '"1"')).toBe(10_000);
    expect(clock.lastModified('/b', '"1"')).toBe(16_000);
  });
});

describe('cache policy', () => {
  const base = { method: 'GET', status: 200, signedIn: false, setsCookie: false, cacheControl: null };

  it('never lets a shared cache keep a personal answer', () => {
    for (const path of ['/', '/api/daily_papers', '/feeds/daily.xml']) {
      expect(cachePolicyFor({ ...base, path, signedIn: true })).toMatchObject({ cacheControl: 'private, no-store', validators: false });
      expect(cachePolicyFor({ ...base, path, setsCookie: true })).toMatchObject({ cacheControl: 'private, no-store', validators: false });
    }
  });

  it('makes anonymous API answers public and revalidated, pages private, and keeps the routes own choice', () => {
    expect(cachePolicyFor({ ...base, path: '/api/daily_papers' })).toEqual({
      cacheControl: 'public, no-cache',
      vary: ['Authorization', 'Cookie'],
      validators: true,
      shared: true,
    });
    expect(cachePolicyFor({ ...base, path: '/trending' })).toEqual({
      cacheControl: 'private, no-cache',
      vary: ['Cookie'],
      validators: true,
      shared: false,
    });
    expect(cachePolicyFor({ ...base, path: '/feeds/daily.xml', cacheControl: 'public, max-age=300' })).toEqual({
      cacheControl: null,
      vary: [],
      validators: true,
      shared: true,
    });
    expect(cachePolicyFor({ ...base, path: '/healthz' })).toMatchObject({ cacheControl: 'no-store', validators: false });
    expect(cachePolicyFor({ ...base, path: '/api/daily_papers', status: 404 })).toMatchObject({ cacheControl: null, validators: false });
    expect(cachePolicyFor({ ...base, path: '/api/daily_papers', method: 'POST' })).toMatchObject({ validators: false });
  });

  it('merges Vary without repeating a field', () => {
    expect(mergeVary(null, [])).toBeNull();
    expect(mergeVary('accept-encoding', ['Accept-Encoding', 'Cookie'])).toBe('accept-encoding, Cookie');
    expect(mergeVary('*', ['Cookie'])).toBe('*');
  });
});

describe('JSON charset', () => {
  it('adds charset=utf-8 to JSON types that lack one and leaves everything else alone', () => {
    expect(withUtf8Charset('application/json')).toBe('application/json; charset=utf-8');
    expect(withUtf8Charset('application/problem+json')).toBe('application/problem+json; charset=utf-8');
    expect(withUtf8Charset('application/json; charset=utf-8')).toBe('application/json; charset=utf-8');
    expect(withUtf8Charset('text/html; charset=UTF-8')).toBe('text/html; charset=UTF-8');
    expect(withUtf8Charset('application/jsonl')).toBe('application/jsonl');
  });
});
