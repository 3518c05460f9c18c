import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src/web/page-cache.js';

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
