import { VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  it('answers only for the exact token text, until the token expires', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>();
    cache.set('a.b.c', { exp: 100 });
    expect(cache.get('a.b.c', 99)).toEqual({ exp: 100 });
    expect(cache.get('a.b.C', 99)).toBeUndefined();
    expect(cache.get('a.b.c', 100)).toBe('expired');
    expect(cache.get('a.b.c', 99)).toBeUndefined(); // dropped once expired
  });

  it('holds at most its bound, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(2);
    cache.set('1', { exp: 10 });
    cache.set('2', { exp: 10 });
    cache.set('3', { exp: 10 });
    expect(cache.size).toBe(2);
    expect(cache.get('1', 0)).toBeUndefined();
    expect(cache.get('3', 0)).toEqual({ exp: 10 });
  });
});
