import 'server-only';
import type { Database } from '@/lib/db/client';
import { classifyStorageError, type StorageFailure } from '@/lib/db/failure';
import { ServiceError } from './errors';

/** How long a request may wait on storage once storage is known to be down (cached answers take microseconds). */
const DOWN_DEADLINE_MS = 1500;
/** While up: how often the probe runs (its own connection, `select 1`, 1 s timeout). Down: the same, to notice the return. */
const PROBE_EVERY_MS = 500;

export interface StorageState {
  db: 'ok' | 'down';
  reason: StorageFailure | null;
  since: Date;
}

/**
 * Watches a PostgreSQL server for outages: probes it twice a second over a connection of its own and logs
 * each change of state once. While it is down, requests that still wait on storage are answered 503
 * UNAVAILABLE instead of hanging (those in flight when it went down, and any new one after a short
 * deadline); answers that need no storage (the warm caches) carry on, marked stale by the router.
 * The embedded database has no network between it and us: there the monitor stays idle and "ok".
 */
export class StorageMonitor {
  state: StorageState = { db: 'ok', reason: null, since: new Date() };
  private inflight = new Set<(err: Error) => void>();
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private database: Pick<Database, 'probe' | 'kind'>,
    /** Called when storage returns: changes made elsewhere meanwhile sent NOTIFYs we never heard. */
    private onRecover: () => void = () => {},
    private log: Pick<Console, 'error' | 'log'> = console,
  ) {}

  get down() {
    return this.state.db === 'down';
  }

  start() {
    if (this.database.kind !== 'postgres' || this.timer) return;
    this.timer = setInterval(() => void this.check(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async check(): Promise<StorageState> {
    if (this.probing) return this.state;
    this.probing = true;
    try {
      this.set(await this.database.probe());
    } finally {
      this.probing = false;
    }
    return this.state;
  }

  /** A query failed: when it failed for want of a server, storage is down now (the probe confirms its return). */
  noteFailure(err: unknown): boolean {
    const reason = classifyStorageError(err);
    if (reason) this.set(reason);
    return reason !== null;
  }

  set(reason: StorageFailure | null) {
    const db = reason ? 'down' : 'ok';
    if (db === this.state.db) return;
    const was = this.state;
    this.state = { db, reason, since: new Date() };
    if (reason) {
      this.log.error(`[switchboard] storage is down (${reason}); answering 503 UNAVAILABLE to what needs it and serving cached reads as stale`);
      const unavailable = new ServiceError('UNAVAILABLE', 'Storage is unavailable; retry shortly');
      for (const reject of this.inflight) reject(unavailable);
      this.inflight.clear();
    } else {
      this.onRecover();
      this.log.log(`[switchboard] storage is reachable again after ${Math.round((Date.now() - was.since.getTime()) / 1000)} s (${was.reason})`);
    }
  }

  /**
   * Runs one request's work so that it cannot outlive an outage: settled by the work, or rejected with
   * 503 UNAVAILABLE when storage goes down meanwhile (or, if it is down already, after a short deadline).
   */
  guard<T>(work: Promise<T>): Promise<T> {
    if (!this.timer) return work;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        this.inflight.delete(reject);
        if (timer) clearTimeout(timer);
      };
      if (this.down) timer = setTimeout(() => reject(new ServiceError('UNAVAILABLE', 'Storage is unavailable; retry shortly')), DOWN_DEADLINE_MS);
      else this.inflight.add(reject);
      work.then(
        (v) => {
          settle();
          resolve(v);
        },
        (e) => {
          settle();
          reject(e);
        },
      );
    });
  }
}
