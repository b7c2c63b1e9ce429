import 'server-only';
import { can, SYSTEM_PRINCIPAL, type Principal } from '@/lib/auth/policy';
import type { TDriftReport, TRecordedDrift } from '@/lib/schemas/drift';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { getRegistry } from '../registry/read';
import { pathIds, scopePath } from '../scopes/path';
import { findDrift, toReport } from './detect';
import { insertDriftReport, latestDriftReport, pruneDriftReports, tryDriftJobLock } from './store';

/** The daily drift check (seed 003 §5.5.2): run in-process, by one instance at a time, its report recorded. */

const DAY_MS = 24 * 60 * 60 * 1000;
/** Reports are kept this long (the dashboard shows the last; older ones are history). */
const KEEP_MS = 90 * DAY_MS;

export interface DriftJobOptions {
  /** The clock (tests move it). */
  now?: () => Date;
  /** How often the check runs (default daily). */
  intervalMs?: number;
  log?: Pick<Console, 'log' | 'warn' | 'error'>;
}

/**
 * Runs the check when the last recorded one is older than the interval, under an advisory lock so that of
 * several instances one runs it and the others see its report. Null when not due or another instance holds
 * the lock.
 */
export async function runDueDriftCheck(app: App, opts: DriftJobOptions = {}, trigger: 'schedule' | 'cli' = 'schedule'): Promise<TDriftReport | null> {
  const now = (opts.now ?? (() => new Date()))();
  const interval = opts.intervalMs ?? DAY_MS;
  await getRegistry(app); // warm: the check below reads only through its own transaction (PGlite has one connection)
  const report = await inTransaction(app, async (tx) => {
    if (!(await tryDriftJobLock(tx))) return null;
    const last = await latestDriftReport(tx, ['global']);
    if (trigger === 'schedule' && last && now.getTime() - last.checkedAt.getTime() < interval) return null;
    const r = toReport(await findDrift(app, SYSTEM_PRINCIPAL, 'global', tx), now);
    await insertDriftReport(tx, { checkedAt: now, scopeId: 'global', trigger, report: r });
    await pruneDriftReports(tx, new Date(now.getTime() - KEEP_MS));
    return r;
  });
  if (report) logReport(report, opts.log ?? console);
  return report;
}

function logReport(r: TDriftReport, log: Pick<Console, 'log' | 'warn' | 'error'>) {
  const of = (s: string) => r.drifted.concat(r.missing as never[]).filter((d) => d.severity === s);
  const critical = of('critical');
  const warning = of('warning');
  const keys = (xs: { key: string; scope: string }[]) => xs.map((x) => `${x.key}@${x.scope}`).join(', ');
  if (critical.length) log.error(`[switchboard] drift: ${critical.length} critical setting(s) differ from what was recorded: ${keys(critical)}`);
  if (warning.length) log.warn(`[switchboard] drift: ${warning.length} setting(s) differ from what was recorded: ${keys(warning)}`);
  const rest = r.drifted.length + r.missing.length - critical.length - warning.length;
  log.log(`[switchboard] drift check: ${r.checked} stored value(s), ${rest} info, ${r.unexpected.length} unexpected`);
}

/**
 * Starts the schedule: a check at start when none ran within the interval, then one every interval; the
 * timer is re-armed every `pollMs` so a missed day (the process was down) is caught up. Returns stop().
 */
export function startDriftSchedule(app: App, opts: DriftJobOptions & { pollMs?: number } = {}): () => void {
  const log = opts.log ?? console;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runDueDriftCheck(app, opts);
    } catch (e) {
      log.error(`[switchboard] drift check failed: ${(e as Error).message}; retrying at the next poll`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), opts.pollMs ?? 10 * 60 * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** `GET /drift/last`: the last recorded report (the dashboard's card), to whoever may check drift everywhere. */
export async function lastDriftReport(app: App, principal: Principal): Promise<TRecordedDrift> {
  if (!can(principal, 'drift.read', { scopePath: pathIds(await scopePath(app, 'global')) })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins see the recorded drift reports');
  const row = await latestDriftReport(app.db, ['global']);
  return { report: row ? { ...(row.report as TDriftReport), id: row.id, trigger: row.trigger } : null };
}
