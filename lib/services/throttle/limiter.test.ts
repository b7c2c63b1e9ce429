import { describe, expect, it } from 'vitest';
import { FailureBackoff, TokenBuckets } from './limiter';

describe('TokenBuckets', () => {
  it('lets a burst through, then refills at the per-minute rate', () => {
    const b = new TokenBuckets({ perMinute: 60, burst: 3 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(b.take('k', t0)).toEqual({ ok: true });
    expect(b.take('k', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('other', t0)).toEqual({ ok: true });
    expect(b.take('k', t0 + 1000)).toEqual({ ok: true });
    expect(b.peek('k', t0 + 1000).ok).toBe(false);
  });

  it('is off at 0 and forgets the least recently seen key past maxKeys', () => {
    expect(new TokenBuckets({ perMinute: 0 }).take('k')).toEqual({ ok: true });
    const b = new TokenBuckets({ perMinute: 1, burst: 1, maxKeys: 2 });
    b.take('a', 0);
    b.take('b', 0);
    expect(b.take('a', 0).ok).toBe(false); // 'a' is now the most recently seen
    b.take('c', 0); // drops 'b', the least recently seen
    expect(b.peek('a', 0).ok).toBe(false);
    expect(b.peek('b', 0).ok).toBe(true);
  });
});

describe('FailureBackoff', () => {
  it('doubles the wait after the free failures, caps it, and starts over after the reset window', () => {
    const f = new FailureBackoff({ free: 2, baseSeconds: 1, maxSeconds: 4, resetAfterMs: 60_000 });
    f.fail('k', 0);
    f.fail('k', 0);
    expect(f.check('k', 0)).toEqual({ ok: true });
    f.fail('k', 0);
    expect(f.check('k', 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    f.fail('k', 1000);
    expect(f.check('k', 1000)).toEqual({ ok: false, retryAfterSeconds: 2 });
    for (let i = 0; i < 5; i++) f.fail('k', 2000);
    expect(f.check('k', 2000)).toEqual({ ok: false, retryAfterSeconds: 4 });
    f.fail('k', 70_000);
    expect(f.check('k', 70_000)).toEqual({ ok: true });
    f.succeed('k');
    expect(f.check('k', 70_000)).toEqual({ ok: true });
  });
});
