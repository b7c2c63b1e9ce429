import 'server-only';
import { nextDue, parseSchedule, type Schedule } from '@/lib/engine/schedule';
import type { TBackup } from '@/lib/schemas/backups';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { inTransaction } from '../kernel/transaction';
import { getRegistry } from '../registry/read';
import { GLOBAL_PATH, resolveMany } from '../settings/resolve';
import { isSetupComplete } from '../setup/status';
import { takeBackup } from './create';
import { deleteBackupRows, scheduledBackups, tryScheduleLock } from './store';

/**
 * Automated backups (API.md: they follow `backup.retentionDays` / `backup.maxCount`): a full backup on the
 * schedule of `backup.schedule` (an interval or a cron expression; or `backup.intervalHours` where a
 * registry has that instead), then automated backups older than the retention or beyond the count are
 * pruned. Every instance runs the timer; a transaction-scoped PostgreSQL advisory lock lets exactly one
 * of them do the work at a time, and the last backup's time, read under that lock, says whether it is due.
 */

export const BACKUP_DEFAULTS = { schedule: 'daily', retentionDays: 30, maxCount: 30 } as const;
const KEYS = ['backup.schedule', 'backup.intervalHours', 'backup.autoEnabled', 'backup.retentionDays', 'backup.maxCount'];

export interface BackupPolicy {
  enabled: boolean;
  schedule: Schedule;
  retentionDays: number;
  maxCount: number;
  /** A `backup.schedule` the parser refused (the default applies meanwhile): logged, so an operator fixes it. */
  problem?: string;
}

const SCHEDULER: ChangeContext = { actor: { id: null, name: 'backup scheduler', role: 'system' }, source: 'schedule' };

/** The policy as the registry's global values (or their defaults) say, with this feature's defaults for keys a registry lacks. */
export async function backupPolicy(app: App): Promise<BackupPolicy> {
  const registry = await getRegistry(app);
  const defs = KEYS.map((k) => registry.byKey.get(k)).filter((d) => d !== undefined);
  const resolved = await resolveMany(app, defs, { path: GLOBAL_PATH });
  const value = (key: string) => resolved.get(key)?.value;
  const number = (key: string, fallback: number) => (typeof value(key) === 'number' && (value(key) as number) > 0 ? (value(key) as number) : fallback);
  const policy: BackupPolicy = {
    enabled: value('backup.autoEnabled') !== false,
    schedule: parseSchedule(BACKUP_DEFAULTS.schedule) as Schedule,
    retentionDays: number('backup.retentionDays', BACKUP_DEFAULTS.retentionDays),
    maxCount: number('backup.maxCount', BACKUP_DEFAULTS.maxCount),
  };
  const text = value('backup.schedule');
  const hours = value('backup.intervalHours');
  if (typeof text === 'string' && text.trim()) {
    const s = parseSchedule(text);
    if ('error' in s) policy.problem = `backup.schedule: ${s.error}; using "${BACKUP_DEFAULTS.schedule}" until it is fixed`;
    else policy.schedule = s;
  } else if (typeof hours === 'number' && hours > 0) policy.schedule = { kind: 'interval', ms: hours * 3_600_000, text: `every ${hours}h` };
  return policy;
}

export interface ScheduledRun {
  /** false: another instance held the lock (it does the work). */
  locked: boolean;
  backup: TBackup | null;
  pruned: string[];
  problem?: string;
}

/** One tick of the job at `now`: back up if due, then prune. `since`: when the scheduler started (a cron's first anchor). */
export async function runScheduledBackups(app: App, now: Date, since: Date): Promise<ScheduledRun> {
  if (!(await isSetupComplete(app))) return { locked: true, backup: null, pruned: [] };
  const policy = await backupPolicy(app);
  const ctx: ChangeContext = { ...SCHEDULER, at: now };
  return inTransaction(app, async (tx) => {
    if (!(await tryScheduleLock(tx))) return { locked: false, backup: null, pruned: [], problem: policy.problem };
    const existing = await scheduledBackups(tx);
    const due = policy.enabled ? nextDue(policy.schedule, existing[0]?.createdAt ?? null, since) : null;
    let backup: TBackup | null = null;
    if (due && due.getTime() <= now.getTime()) {
      backup = await takeBackup(app, tx, { type: 'full', origin: 'scheduled', note: `Automated backup (${policy.schedule.text})`, change: ctx, at: now });
      existing.unshift({ id: backup.id, createdAt: now });
    }
    const cutoff = now.getTime() - policy.retentionDays * 86_400_000;
    const pruned = existing.filter((b, i) => i >= policy.maxCount || b.createdAt.getTime() < cutoff);
    if (pruned.length) {
      await deleteBackupRows(
        tx,
        pruned.map((b) => b.id),
      );
      const why = `retention: ${policy.retentionDays} days, at most ${policy.maxCount} automated backups`;
      await appendAudit(tx, ctx, pruned.map((b) => ({ action: 'backup.delete', scopeId: 'global', level: 'global', reason: why, details: { id: b.id, createdAt: b.createdAt.toISOString(), pruned: true } })));
    }
    return { locked: true, backup, pruned: pruned.map((b) => b.id), problem: policy.problem };
  });
}

export interface BackupScheduler {
  /** Runs one tick now (tests drive the clock with it). */
  tick(): Promise<ScheduledRun | null>;
  stop(): void;
}

/**
 * Starts the timer (server.ts): a tick every `everyMs` (a minute), each one a short transaction when
 * nothing is due. `now` is the clock (injected by tests). Failures are logged and retried on the next tick.
 */
export function startBackupScheduler(app: App, opts: { now?: () => Date; everyMs?: number; log?: Pick<Console, 'error' | 'log'> } = {}): BackupScheduler {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? console;
  const since = now();
  let lastProblem: string | undefined;
  let running: Promise<ScheduledRun | null> | null = null;
  const tick = () =>
    (running ??= runScheduledBackups(app, now(), since)
      .then((run) => {
        if (run.problem && run.problem !== lastProblem) log.error(`[switchboard] ${run.problem}`);
        lastProblem = run.problem;
        if (run.backup) log.log(`[switchboard] automated backup ${run.backup.id} (${run.backup.size} bytes)${run.pruned.length ? `, pruned ${run.pruned.length}` : ''}`);
        return run;
      })
      .catch((err) => {
        log.error(`[switchboard] automated backup failed, retrying at the next tick: ${(err as Error).message}`);
        return null;
      })
      .finally(() => {
        running = null;
      }));
  const timer = setInterval(() => void tick(), opts.everyMs ?? 60_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
