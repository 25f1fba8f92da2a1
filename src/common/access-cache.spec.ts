import { AppConfig } from '../config/config';
import { AccessCache } from './access-cache';

const cache = (ttl: number) => new AccessCache<string>({ accessCacheTtlMs: ttl } as AppConfig);

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

  it('keeps generations across a full clear, so a racing read still cannot cache a stale state', () => {
    const c = cache(1000);
    const before = c.generation('u1');
    c.invalidate('u1');
    c.clear();
    c.set('u1', 't1', 'stale', before);
    expect(c.get('u1', 't1')).toBeUndefined();
  });

  it('caches nothing with a TTL of 0', () => {
    const c = cache(0);
    c.set('u1', 't1', 'x', 0);
    expect(c.get('u1', 't1')).toBeUndefined();
  });
});
