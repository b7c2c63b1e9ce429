import 'server-only';
import { randomUUID } from 'node:crypto';
import type { TCategory, TDefinition } from '@/lib/schemas/definition';
import type { ScopeRef } from '@/lib/engine/types';
import type { Principal } from '@/lib/auth/policy';
import type { TLevel } from '@/lib/schemas/registry';

export interface Registry {
  /** In display order: categories by position, then definitions by position. */
  definitions: TDefinition[];
  byKey: Map<string, TDefinition>;
  categories: (TCategory & { position: number })[];
  categoryByKey: Map<string, TCategory & { position: number }>;
}

/** A change other parts (and other instances, via NOTIFY) must forget cached state for. */
export type Change =
  | { type: 'value'; key: string; scopeId: string; version: number }
  | { type: 'definitions' }
  | { type: 'scopes' }
  | { type: 'principals' }
  /** `scopeId`/`version`: the row written (absent when every flag may have changed, e.g. after an outage). */
  | { type: 'flag'; key: string; scopeId?: string; version?: number }
  | { type: 'models' }
  /** Local only, never NOTIFYed: NOTIFYs may have been missed (storage came back, LISTEN reconnected). */
  | { type: 'resync' };

// Bounds that keep one process's memory flat however many (key, scope, user) combinations are read:
// a resolution with its chain is ~2 KB, so 50k entries stay near 100 MB. Past a bound the cache starts
// over, which costs one query per entry to refill.
const MAX_RESOLVED = 50_000;
const MAX_PATHS = 50_000;
/** Bytes of changes per batched NOTIFY payload (PostgreSQL refuses 8,000 and more; the envelope adds ~60). */
const MAX_NOTIFY_BATCH = 7_800;

/**
 * In-process caches. Values are cached per (key, scope, user) and dropped per key on every write; a
 * generation counter per key stops a read that raced a write from caching the old answer.
 */
export class Caches {
  /** Stamped on this instance's NOTIFYs, so their echo does not drop what was cached after the commit. */
  readonly origin = randomUUID();
  registry: Registry | null = null;
  levels: TLevel[] | null = null;
  setupComplete = false;
  private paths = new Map<string, ScopeRef[]>();
  private resolved = new Map<string, Map<string, unknown>>();
  private resolvedCount = 0;
  private generations = new Map<string, number>();
  /** Bumped by changes that can alter any key's answer (definitions, scopes). */
  private epoch = 0;
  private principals = new Map<string, { principal: Principal; expires: number }>();
  private listeners = new Set<(c: Change) => void>();

  path(scopeId: string) {
    return this.paths.get(scopeId);
  }
  setPath(scopeId: string, path: ScopeRef[]) {
    if (this.paths.size >= MAX_PATHS) this.paths.clear();
    this.paths.set(scopeId, path);
  }

  generation(key: string) {
    return this.epoch * 1_000_000_000 + (this.generations.get(key) ?? 0);
  }
  getResolved<T>(key: string, ctx: string): T | undefined {
    return this.resolved.get(key)?.get(ctx) as T | undefined;
  }
  /** Stores only if no write to `key` happened since `generation` was read. */
  setResolved(key: string, ctx: string, generation: number, value: unknown) {
    if (this.generation(key) !== generation) return;
    if (this.resolvedCount >= MAX_RESOLVED) {
      this.resolved.clear();
      this.resolvedCount = 0;
    }
    let m = this.resolved.get(key);
    if (!m) this.resolved.set(key, (m = new Map()));
    if (!m.has(ctx)) this.resolvedCount++;
    m.set(ctx, value);
  }

  /** `stale`: also past its time (only while storage is down, to keep serving cached reads). */
  getPrincipal(tokenHash: string, stale = false): Principal | undefined {
    const hit = this.principals.get(tokenHash);
    if (!hit || (hit.expires < Date.now() && !stale)) return undefined;
    return hit.principal;
  }
  setPrincipal(tokenHash: string, principal: Principal, ttlMs = 10_000) {
    this.principals.set(tokenHash, { principal, expires: Date.now() + ttlMs });
  }

  onChange(fn: (c: Change) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Forget what a change makes stale. */
  invalidate(change: Change) {
    switch (change.type) {
      case 'value':
        this.generations.set(change.key, (this.generations.get(change.key) ?? 0) + 1);
        this.resolvedCount -= this.resolved.get(change.key)?.size ?? 0;
        this.resolved.delete(change.key);
        break;
      case 'definitions':
        this.registry = null;
        this.bumpAll();
        break;
      case 'scopes':
        this.levels = null;
        this.paths.clear();
        this.bumpAll();
        break;
      case 'principals':
        this.principals.clear();
        break;
    }
    for (const fn of this.listeners) fn(change);
  }

  /** What a transaction NOTIFYs for a change: the change, stamped with this instance. */
  notification(change: Change): string {
    return JSON.stringify({ ...change, origin: this.origin });
  }

  /**
   * What a transaction NOTIFYs for many changes: as few payloads as fit them, each `{ batch, origin }` below
   * PostgreSQL's 8,000-byte limit (a bulk of 100,000 values sends ~1,000 NOTIFYs, not 100,000), one change
   * alone as `notification` does.
   */
  notifications(changes: Change[]): string[] {
    if (changes.length === 1) return [this.notification(changes[0])];
    const out: string[] = [];
    const close = (parts: string[]) => out.push(`{"batch":[${parts.join(',')}],"origin":${JSON.stringify(this.origin)}}`);
    let parts: string[] = [];
    let size = 0;
    for (const c of changes) {
      const one = JSON.stringify(c);
      const bytes = Buffer.byteLength(one) + 1;
      if (parts.length && size + bytes > MAX_NOTIFY_BATCH) {
        close(parts);
        parts = [];
        size = 0;
      }
      parts.push(one);
      size += bytes;
    }
    if (parts.length) close(parts);
    return out;
  }

  /**
   * A NOTIFY payload. Our own are skipped: they were invalidated right after commit, and their echo arrives
   * later, when a read may already have cached the new answer (dropping it would cost a query, and during a
   * storage outage the answer itself).
   */
  applyChange(payload: string) {
    let parsed: (Change & { origin?: string; batch?: Change[] }) | undefined;
    try {
      parsed = JSON.parse(payload) as Change & { origin?: string; batch?: Change[] };
    } catch {
      return; // not ours
    }
    if (parsed.origin === this.origin) return;
    if (Array.isArray(parsed.batch)) {
      for (const c of parsed.batch) this.invalidate(c);
      return;
    }
    delete parsed.origin;
    this.invalidate(parsed);
  }

  private bumpAll() {
    this.epoch++;
    this.resolved.clear();
    this.resolvedCount = 0;
  }
}
