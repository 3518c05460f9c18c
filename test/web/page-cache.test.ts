import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { PageCache } from '../../src/cache/page-cache.js';
import { WriteEvents } from '../../src/write-events.js';

describe('page cache', () => {
  it('expires entries after the TTL, clears on demand and stays bounded', () => {
    const cache = new PageCache(1_000, 3);
    cache.set('a', 'A', 0);
    expect(cache.get('a', 999)).toBe('A');
    expect(cache.get('a', 1_000)).toBeNull();
    cache.set('b', 'B', 0);
    cache.clear();
    expect(cache.get('b', 1)).toBeNull();
    for (const key of ['1', '2', '3', '4']) cache.set(key, key, 0);
    expect(cache.get('4', 1)).toBe('4');
    expect(['1', '2', '3'].filter((key) => cache.get(key, 1) !== null).length).toBeLessThan(3);
  });
});

describe('page cache watching write announcements', () => {
  it('clears on every announced write that can change a page, and not on subscription changes', () => {
    const writes = new WriteEvents(silentLogger);
    const cache = new PageCache();
    const stop = cache.watch(writes);
    cache.set('page:/', 'front page');
    writes.announce({ kind: 'subscription', subscriptionIds: [1] });
    expect(cache.get('page:/')).toBe('front page');
    for (const event of [
      { kind: 'vote', paperIds: ['2501.00001'] },
      { kind: 'comment', paperIds: ['2501.00001'] },
      { kind: 'submission', paperIds: ['2501.00001'] },
      { kind: 'paper-visibility', paperIds: ['2501.00001'] },
      { kind: 'import', paperIds: ['2501.00001'] },
      { kind: 'user-ban', userIds: [7] },
    ] as const) {
      cache.set('page:/', 'front page');
      writes.announce(event);
      expect(cache.get('page:/'), event.kind).toBeNull();
    }
    stop();
    cache.set('page:/', 'front page');
    writes.announce({ kind: 'vote', paperIds: ['2501.00001'] });
    expect(cache.get('page:/')).toBe('front page');
  });

  it('keeps announcing to the other subscribers when one throws', () => {
    const writes = new WriteEvents(silentLogger);
    const seen: string[] = [];
    writes.subscribe(() => {
      throw new Error('broken subscriber');
    });
    writes.subscribe((event) => seen.push(event.kind));
    writes.announce({ kind: 'vote', paperIds: ['2501.00001'] });
    expect(seen).toEqual(['vote']);
  });
});
