import 'server-only';
import { readRateLimits, type RateLimits } from '@/lib/env';
import type { Principal } from '@/lib/auth/policy';
import type { App } from '../kernel/app';
import { FailureBackoff, TokenBuckets, type Take } from './limiter';

/**
 * Switchboard's throttles, one set per App (so per process): API requests per token and per client
 * address, failed sign-ins per client address and per e-mail. All in memory, O(1) per request.
 */
export interface Throttles {
  apiByToken: TokenBuckets;
  apiByIp: TokenBuckets;
  signInByIp: TokenBuckets;
  /** Per e-mail as typed (existing or not, so the answer tells nothing about which accounts exist). */
  signInByEmail: FailureBackoff;
}

const byApp = new WeakMap<App, Throttles>();

function build(limits: RateLimits): Throttles {
  return {
    apiByToken: new TokenBuckets({ perMinute: limits.apiPerToken }),
    apiByIp: new TokenBuckets({ perMinute: limits.apiPerIp }),
    signInByIp: new TokenBuckets({ perMinute: limits.signInFailuresPerIp / 10, burst: limits.signInFailuresPerIp }),
    // a few free failures (auth.maxLoginAttempts - 1, passed per failure), then 1 s, 2 s, 4 s … up to 15 minutes
    signInByEmail: new FailureBackoff({ free: 3, baseSeconds: 1, maxSeconds: 15 * 60, resetAfterMs: 60 * 60_000 }),
  };
}

export function throttles(app: App): Throttles {
  let t = byApp.get(app);
  if (!t) byApp.set(app, (t = build(readRateLimits())));
  return t;
}

/** Replaces an app's limits (and forgets its counts): for operators' tests and the test suite. */
export function setRateLimits(app: App, limits: Partial<RateLimits>) {
  byApp.set(app, build({ ...readRateLimits(), ...limits }));
}

/** Before authentication: may this address make another API request? */
export const takeApiByIp = (app: App, ip: string | null): Take => (ip ? throttles(app).apiByIp.take(ip) : { ok: true });

/** After authentication: may this token (or this user's browser sessions) make another API request? */
export const takeApiByPrincipal = (app: App, p: Principal): Take => throttles(app).apiByToken.take(p.tokenId ? `tok:${p.tokenId}` : `usr:${p.userId}`);

/** An admin set a new password: the e-mail's backoff is over too (on this instance; others' ends on its own). */
export const forgetSignInFailures = (app: App, email: string) => throttles(app).signInByEmail.succeed(email.toLowerCase());
