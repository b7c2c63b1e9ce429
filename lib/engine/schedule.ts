/**
 * Schedules of in-process jobs (automated backups): an interval ("daily", "hourly", "weekly",
 * "every 6h", "30m", "2d") or a five-field cron expression in UTC ("0 3 * * *": 03:00 every day).
 * Pure: the caller gives the clock.
 */

export type Schedule = { kind: 'interval'; ms: number; text: string } | { kind: 'cron'; fields: CronFields; text: string };

interface CronFields {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  /** Standard cron: when both day fields are restricted, either one matching is enough. */
  domAny: boolean;
  dowAny: boolean;
}

const NAMED: Record<string, number> = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 };
const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Shorter than this is a mistake for a backup job, not a schedule. */
const MIN_INTERVAL_MS = 5 * 60_000;

/** Parses a schedule; `error` says what is wrong, in words an operator can act on. */
export function parseSchedule(text: string): Schedule | { error: string } {
  const s = text.trim().toLowerCase();
  if (NAMED[s]) return { kind: 'interval', ms: NAMED[s], text: s };
  const every = /^(?:every\s+)?(\d+)\s*(m|h|d)$/.exec(s);
  if (every) {
    const ms = Number(every[1]) * UNIT[every[2]];
    if (ms < MIN_INTERVAL_MS) return { error: `"${text}" is shorter than the 5-minute minimum` };
    return { kind: 'interval', ms, text: s };
  }
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return { error: `"${text}" is neither an interval (daily, hourly, weekly, "every 6h", "30m", "2d") nor a five-field cron expression ("0 3 * * *")` };
  const ranges: [number, number][] = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
  ];
  const names = ['minute', 'hour', 'day of month', 'month', 'day of week'];
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const set = cronField(parts[i], ranges[i][0], ranges[i][1]);
    if (!set) return { error: `"${text}": the ${names[i]} field "${parts[i]}" is not valid (${ranges[i][0]}–${ranges[i][1]}, *, lists, ranges, /steps)` };
    sets.push(set);
  }
  if (sets[4].has(7)) sets[4].add(0);
  return { kind: 'cron', text: s, fields: { minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4], domAny: parts[2] === '*', dowAny: parts[4] === '*' } };
}

function cronField(field: string, lo: number, hi: number): Set<number> | null {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const from = m[1] === '*' ? lo : Number(m[2]);
    const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : from;
    const step = m[4] ? Number(m[4]) : 1;
    if (from < lo || to > hi || from > to || step < 1) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

const dayMatches = (f: CronFields, d: Date) => {
  const dom = f.dom.has(d.getUTCDate());
  const dow = f.dow.has(d.getUTCDay());
  if (f.domAny && f.dowAny) return true;
  if (f.domAny) return dow;
  if (f.dowAny) return dom;
  return dom || dow;
};

/** The first minute strictly after `after` that the cron expression names (UTC); null if none within five years. */
export function nextCronRun(f: CronFields, after: Date): Date | null {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!f.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(f, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!f.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!f.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else return t;
  }
  return null;
}

/**
 * When the job is next due: an interval counts from the last run (due at once when there was none); a
 * cron expression names the first time after the last run, or after `since` (the scheduler's start) when
 * there was none, so a fresh install does not run a 03:00 job at 14:00.
 */
export function nextDue(schedule: Schedule, lastRun: Date | null, since: Date): Date | null {
  if (schedule.kind === 'interval') return lastRun ? new Date(lastRun.getTime() + schedule.ms) : since;
  return nextCronRun(schedule.fields, lastRun ?? since);
}
