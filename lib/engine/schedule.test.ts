import { describe, expect, it } from 'vitest';
import { nextCronRun, nextDue, parseSchedule, type Schedule } from './schedule';

const parsed = (s: string) => {
  const out = parseSchedule(s);
  if ('error' in out) throw new Error(out.error);
  return out;
};
const cron = (s: string) => (parsed(s) as Extract<Schedule, { kind: 'cron' }>).fields;
const at = (iso: string) => new Date(iso);

describe('schedules of in-process jobs', () => {
  it('reads named intervals and "every <n>m|h|d"', () => {
    expect(parsed('daily')).toMatchObject({ kind: 'interval', ms: 86_400_000 });
    expect(parsed(' Hourly ')).toMatchObject({ kind: 'interval', ms: 3_600_000 });
    expect(parsed('weekly')).toMatchObject({ kind: 'interval', ms: 7 * 86_400_000 });
    expect(parsed('every 6h')).toMatchObject({ kind: 'interval', ms: 6 * 3_600_000 });
    expect(parsed('30m')).toMatchObject({ kind: 'interval', ms: 30 * 60_000 });
    expect(parsed('2d')).toMatchObject({ kind: 'interval', ms: 2 * 86_400_000 });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(parseSchedule('1m')).toEqual({ error: expect.stringContaining('5-minute minimum') });
    expect(parseSchedule('sometimes')).toEqual({ error: expect.stringContaining('neither an interval') });
    expect(parseSchedule('61 * * * *')).toEqual({ error: expect.stringContaining('minute field "61"') });
    expect(parseSchedule('0 3 * 13 *')).toEqual({ error: expect.stringContaining('month field') });
    expect(parseSchedule('0 3-1 * * *')).toEqual({ error: expect.stringContaining('hour field') });
    expect(parseSchedule('*/0 * * * *')).toEqual({ error: expect.stringContaining('minute field') });
  });

  it('finds the next cron minute (UTC), strictly after the given time', () => {
    expect(nextCronRun(cron('0 3 * * *'), at('2026-12-02T01:10:00Z'))).toEqual(at('2026-12-02T03:00:00Z'));
    expect(nextCronRun(cron('0 3 * * *'), at('2026-12-02T03:00:00Z'))).toEqual(at('2026-12-03T03:00:00Z'));
    expect(nextCronRun(cron('*/15 * * * *'), at('2026-12-02T03:07:31Z'))).toEqual(at('2026-12-02T03:15:00Z'));
    expect(nextCronRun(cron('30 2 1 * *'), at('2026-12-02T00:00:00Z'))).toEqual(at('2027-01-01T02:30:00Z'));
    // 2026-12-06 is a Sunday (0 and 7 both name it)
    expect(nextCronRun(cron('0 0 * * 0'), at('2026-12-02T00:00:00Z'))).toEqual(at('2026-12-06T00:00:00Z'));
    expect(nextCronRun(cron('0 0 * * 7'), at('2026-12-02T00:00:00Z'))).toEqual(at('2026-12-06T00:00:00Z'));
    // both day fields restricted: either matches (the 10th, or a Sunday)
    expect(nextCronRun(cron('0 0 10 * 0'), at('2026-12-02T00:00:00Z'))).toEqual(at('2026-12-06T00:00:00Z'));
    expect(nextCronRun(cron('0 12 1,15 6-8 *'), at('2026-12-02T00:00:00Z'))).toEqual(at('2027-06-01T12:00:00Z'));
    expect(nextCronRun(cron('0 0 31 2 *'), at('2026-12-02T00:00:00Z'))).toBeNull();
  });

  it('says when a job is due: intervals from the last run, cron after the last run or the start', () => {
    const since = at('2026-12-02T14:00:00Z');
    expect(nextDue(parsed('daily'), null, since)).toEqual(since);
    expect(nextDue(parsed('daily'), at('2026-12-01T14:30:00Z'), since)).toEqual(at('2026-12-02T14:30:00Z'));
    expect(nextDue(parsed('0 3 * * *'), null, since)).toEqual(at('2026-12-03T03:00:00Z'));
    expect(nextDue(parsed('0 3 * * *'), at('2026-12-01T03:00:02Z'), since)).toEqual(at('2026-12-02T03:00:00Z'));
  });
});
