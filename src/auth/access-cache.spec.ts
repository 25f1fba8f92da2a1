import { AppConfig } from '../config/config';
import { AccessCache } from './access-cache';

/** A cache in use (as once the listener has connected). */
const cache = (ttl: number) => {
  const c = new AccessCache<string>({ accessCacheTtlMs: ttl } as AppConfig);
  c.resume();
  return c;
};

describe('AccessCache', () => {
  it('keeps a state for the TTL, per account and token', () => {
    const c = cache(1000);
    c.set('u1', 't1', 'state', c.generation('u1'));
    expect(c.get('u1', 't1')).toBe('state');
    expect(c.get('u1', 't2')).toBeUndefined();
  });

  it('drops every token of an account on invalidate', () => {
    const c = cache(1000);
    c.set('u1', 't1', 'a', c.generation('u1'));
    c.set('u1', 't2', 'b', c.generation('u1'));
    c.set('u2', 't3', 'c', c.generation('u2'));
    c.invalidate('u1');
    expect([c.get('u1', 't1'), c.get('u1', 't2'), c.get('u2', 't3')]).toEqual([undefined, undefined, 'c']);
  });

  it('does not cache a state read before a change (the read raced the invalidation)', () => {
    const c = cache(1000);
    const before = c.generation('u1');
    c.invalidate('u1'); // the change commits while the read is in flight
    c.set('u1', 't1', 'stale', before);
    expect(c.get('u1', 't1')).toBeUndefined();
  });

  it('is suspended until resumed: nothing is served or stored while changes may go unheard', () => {
    const c = new AccessCache<string>({ accessCacheTtlMs: 1000 } as AppConfig);
    c.set('u1', 't1', 'x', c.generation('u1'));
    expect(c.get('u1', 't1')).toBeUndefined();
    c.resume();
    c.set('u1', 't1', 'x', c.generation('u1'));
    expect(c.get('u1', 't1')).toBe('x');
    c.suspend();
    expect(c.get('u1', 't1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('does not cache a state read before a suspend/resume (the listener reconnected meanwhile)', () => {
    const c = cache(1000);
    const before = c.generation('u1');
    c.suspend();
    c.resume();
    c.set('u1', 't1', 'stale', before);
    expect(c.get('u1', 't1')).toBeUndefined();
  });

  it('when full, evicts the oldest entry only', () => {
    const c = cache(60_000);
    for (let i = 0; i < AccessCache.MAX; i++) c.set(`u${i}`, 't', `s${i}`, c.generation(`u${i}`));
    c.set('newest', 't', 'n', c.generation('newest'));
    expect(c.size).toBe(AccessCache.MAX);
    expect(c.get('u0', 't')).toBeUndefined();
    expect(c.get('u1', 't')).toBe('s1');
    expect(c.get('newest', 't')).toBe('n');
  });

  it('caches nothing with a TTL of 0', () => {
    const c = cache(0);
    c.set('u1', 't1', 'x', c.generation('u1'));
    expect(c.get('u1', 't1')).toBeUndefined();
  });
});
