import 'server-only';
import { randomBytes } from 'node:crypto';
import { STREAM_EVENT_ID, type TStreamEventType } from '@/lib/schemas/stream';
import type { App } from '../kernel/app';
import type { Change } from '../kernel/cache';
import { isMaintenanceKey } from '../maintenance/state';

/** Events kept for `Last-Event-ID` resumes; an id older than these gets a `reset` instead. */
export const RING_SIZE = 1024;
export const HEARTBEAT_MS = 15_000;
/** Open streams per API token (or per user's browser sessions); more answer 429 RATE_LIMITED. */
export const DEFAULT_MAX_PER_CALLER = 20;

export type ResetReason = 'gap' | 'unknown-id' | 'storage-recovered' | 'registry-changed';

/** One change as every subscriber of this instance sees it, before their own filter and value. */
export interface HubEvent {
  seq: number;
  id: string;
  type: TStreamEventType;
  key: string;
  scopeId: string;
  version: number;
  at: string;
  /** Who made the change (display name), when known. */
  by?: string;
  reason?: ResetReason;
  /** Values resolved for one context, shared by the subscribers that have it (dropped after a few seconds). */
  memo: Map<string, Promise<unknown>>;
}

export interface Subscriber {
  readonly callerKey: string;
  deliver(event: HubEvent): void;
  heartbeat(): void;
  /** Credentials may have changed (revoked, expired, roles): check them again. */
  recheck(): void;
}

const MEMO_MS = 5_000;

/**
 * This instance's change fan-out: one `onChange` listener for every open stream, a ring of recent events
 * for resumes, the heartbeat and the per-caller cap. The feed reaches it exactly once per change and
 * instance: this instance's commits directly, other instances' by NOTIFY (kernel/cache.ts).
 */
export class Hub {
  /** Ids carry it, so an id from another instance or an earlier process is told apart from a gap. */
  readonly instance = randomBytes(4).toString('hex');
  readonly subscribers = new Set<Subscriber>();
  maxPerCaller = DEFAULT_MAX_PER_CALLER;
  private seq = 0;
  private ring: HubEvent[] = [];
  private perCaller = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(app: App) {
    app.caches.onChange((c) => this.onChange(c));
  }

  get lastId() {
    return `${this.instance}-${this.seq}`;
  }

  /** Registers a subscriber, or says why not (`cap`: the caller has `maxPerCaller` open already). */
  add(sub: Subscriber): boolean {
    const n = this.perCaller.get(sub.callerKey) ?? 0;
    if (n >= this.maxPerCaller) return false;
    this.perCaller.set(sub.callerKey, n + 1);
    this.subscribers.add(sub);
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.timer.unref();
    }
    return true;
  }

  remove(sub: Subscriber) {
    if (!this.subscribers.delete(sub)) return;
    const n = (this.perCaller.get(sub.callerKey) ?? 1) - 1;
    if (n > 0) this.perCaller.set(sub.callerKey, n);
    else this.perCaller.delete(sub.callerKey);
    if (this.subscribers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** The events after `lastEventId`, or why the client must refetch instead. Throws nothing: the id was checked. */
  since(lastEventId: string): HubEvent[] | ResetReason {
    const [instance, n] = lastEventId.split('-');
    const seq = Number(n);
    if (instance !== this.instance || seq > this.seq) return 'unknown-id';
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (seq < oldest - 1) return 'gap';
    return this.ring.filter((e) => e.seq > seq);
  }

  /** A reset every subscriber of this instance gets (and a resume from before it). */
  reset(reason: ResetReason) {
    this.publish('reset', { key: '', scopeId: '', version: 0 }, reason);
  }

  private onChange(c: Change) {
    switch (c.type) {
      case 'value':
        this.publish('setting.changed', c);
        if (isMaintenanceKey(c.key)) this.publish('maintenance', c);
        break;
      case 'flag':
        if (c.scopeId) this.publish('flag.changed', { key: c.key, scopeId: c.scopeId, version: c.version ?? 0, by: c.by });
        break;
      case 'definitions':
        // a changed default or type changes answers for every scope: cheaper to refetch than to list them
        this.reset('registry-changed');
        break;
      case 'resync':
        this.reset('storage-recovered');
        break;
      case 'principals':
        for (const s of this.subscribers) s.recheck();
        break;
    }
  }

  private publish(type: TStreamEventType, c: { key: string; scopeId: string; version: number; by?: string }, reason?: ResetReason) {
    // storage recovery sends a flood of invalidations: one reset in a row is enough, the first says why
    if (type === 'reset' && this.ring[this.ring.length - 1]?.type === 'reset') return;
    const seq = ++this.seq;
    const event: HubEvent = { seq, id: `${this.instance}-${seq}`, type, key: c.key, scopeId: c.scopeId, version: c.version, at: new Date().toISOString(), by: c.by, reason, memo: new Map() };
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.shift();
    setTimeout(() => event.memo.clear(), MEMO_MS).unref();
    for (const s of this.subscribers) s.deliver(event);
  }

  private beat() {
    for (const s of this.subscribers) {
      s.heartbeat();
      // expiry needs no change to be noticed: the heartbeat's recheck ends an expired token's stream
      s.recheck();
    }
  }
}

export const isEventId = (id: string) => STREAM_EVENT_ID.test(id);

const hubs = new WeakMap<App, Hub>();

/** The app's hub, created on first use. */
export function hubOf(app: App): Hub {
  let hub = hubs.get(app);
  if (!hub) hubs.set(app, (hub = new Hub(app)));
  return hub;
}
