/**
 * Quota arithmetic: calendar windows (a day, a month) in a time zone, and what a usage does to the
 * counters of each window — over a hard limit, crossing a soft threshold, what remains. Pure.
 */

export const PERIODS = ['daily', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];
export const METRICS = ['requests', 'tokens', 'cost'] as const;
export type Metric = (typeof METRICS)[number];

export interface Limit {
  hard: number;
  soft?: number;
}
export type Limits = Partial<Record<Metric, Limit>>;

/** A quota as stored at one scope for one provider. */
export interface Quota {
  timeZone: string;
  daily?: Limits;
  monthly?: Limits;
}

export type Amounts = Record<Metric, number>;
export const ZERO: Amounts = { requests: 0, tokens: 0, cost: 0 };

// ------------------------------------------------------------------ calendar windows in a time zone

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock date and time at `at` in `timeZone`. */
function wallClock(at: Date, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return { y: +parts.year, m: +parts.month, d: +parts.day, h: +parts.hour, min: +parts.minute, s: +parts.second };
}

/** Offset of `timeZone` from UTC at instant `at`, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant local midnight of y-m-d begins in `timeZone` (DST-safe: re-checks the offset at the answer). */
export function zonedMidnight(y: number, m: number, d: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - offsetAt(new Date(wall), timeZone);
  const again = wall - offsetAt(new Date(guess), timeZone);
  if (again !== guess) guess = again;
  return new Date(guess);
}

/** The window containing `at`: its start and the start of the next one (when it resets). */
export function windowOf(period: Period, at: Date, timeZone: string): { start: Date; resetsAt: Date } {
  const { y, m, d } = wallClock(at, timeZone);
  if (period === 'daily') {
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return { start: zonedMidnight(y, m, d, timeZone), resetsAt: zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone) };
  }
  const next = new Date(Date.UTC(y, m, 1));
  return { start: zonedMidnight(y, m, 1, timeZone), resetsAt: zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, timeZone) };
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone, for day-by-day history. */
export function localDay(at: Date, timeZone: string): string {
  const { y, m, d } = wallClock(at, timeZone);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ------------------------------------------------------------------ counters against limits

/** Money is counted in micro-units so sums stay exact. */
export const toMicros = (cost: number) => Math.round(cost * 1_000_000);
export const fromMicros = (micros: number) => micros / 1_000_000;

export interface Exceeded {
  metric: Metric;
  limit: number;
  used: number;
  requested: number;
}

/** The first hard limit `after` passes (counters after adding the usage), or null. */
export function firstExceeded(before: Amounts, after: Amounts, limits: Limits | undefined): Exceeded | null {
  for (const metric of METRICS) {
    const limit = limits?.[metric];
    if (limit && after[metric] > limit.hard) return { metric, limit: limit.hard, used: before[metric], requested: after[metric] - before[metric] };
  }
  return null;
}

export interface Crossing {
  metric: Metric;
  threshold: 'soft' | 'hard';
  limit: number;
  used: number;
}

/** Thresholds this usage reached: the soft one passed, or the hard one reached exactly (nothing more fits). */
export function crossings(before: Amounts, after: Amounts, limits: Limits | undefined): Crossing[] {
  const out: Crossing[] = [];
  for (const metric of METRICS) {
    const limit = limits?.[metric];
    if (!limit) continue;
    if (limit.soft !== undefined && before[metric] < limit.soft && after[metric] >= limit.soft) out.push({ metric, threshold: 'soft', limit: limit.soft, used: after[metric] });
    if (before[metric] < limit.hard && after[metric] >= limit.hard) out.push({ metric, threshold: 'hard', limit: limit.hard, used: after[metric] });
  }
  return out;
}

/** What is left under each hard limit (absent: no limit on that metric). */
export function remainingOf(used: Amounts, limits: Limits | undefined): Partial<Amounts> {
  const out: Partial<Amounts> = {};
  for (const metric of METRICS) {
    const limit = limits?.[metric];
    if (limit) out[metric] = Math.max(0, limit.hard - used[metric]);
  }
  return out;
}

// ------------------------------------------------------------------ allowances (metering without a transaction per usage)

/** What an admission must not reach without an exact decision: the soft threshold until it is passed, then the hard limit. */
export function nextThreshold(used: number, limit: Limit): number {
  return limit.soft !== undefined && used < limit.soft ? limit.soft : limit.hard;
}

/**
 * May an instance hold `want` of a counter as an allowance? Only if, on every limited metric, `want` is at most
 * `1/share` of the room between the counter (`used`, plus every other allowance `taken`) and its next threshold:
 * so allowances never reach a threshold (crossing one stays an exact decision, audited once) and several
 * instances fit; false is the endgame, where usages are decided one by one again.
 */
export function allowanceFits(used: Amounts, taken: Amounts, want: Amounts, limits: Limits, share: number): boolean {
  for (const metric of METRICS) {
    const limit = limits[metric];
    if (!limit) continue;
    const headroom = nextThreshold(used[metric], limit) - used[metric] - taken[metric];
    if (headroom <= 0 || want[metric] * share > headroom) return false;
  }
  return true;
}
