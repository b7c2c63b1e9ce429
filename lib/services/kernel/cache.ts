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

/**
 * A change other parts (and other instances, via NOTIFY) must forget cached state for. `by`: the display
 * name of who made a value or flag change (the stream tells open pages "changed by …").
 */
export type Change =
  | { type: 'value'; key: string; scopeId: string; version: number; by?: string }
  | { type: 'definitions' }
  | { type: 'scopes' }
  | { type: 'principals' }
  /** `scopeId`/`version`: the row written (absent when every flag may have changed, e.g. after an outage). */
  | { type: 'flag'; key: string; scopeId?: string; version?: number; by?: string }
  | { type: 'models' }
  /** Local only, never NOTIFYed: NOTIFYs may have been missed (storage came back, LISTEN reconnected). */
  | { type: 'resync' };

/** Default budgets (entries) of the two per-process caches; `RESOLVE_CACHE_ENTRIES` sets the first (lib/env.ts). */
export const CACHE_DEFAULTS = { resolved: 20_000, paths: 20_000 };
/** Bytes of changes per batched NOTIFY payload (PostgreSQL refuses 8,000 and more; the envelope adds ~60). */
const MAX_NOTIFY_BATCH = 7_800;

/**
 * A map that keeps at most `max` entries, dropping the least recently used past it (a Map iterates in
 * insertion order; a hit re-inserts its entry at the end). Bounded memory without starting over: the
 * entries still in use survive a burst of one-off reads.
 */
export class Lru<V> {
  private map = new Map<string, V>();
  constructor(readonly max: number) {}
  get size() {
    return this.map.size;
  }
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V) {
    if (!this.map.delete(k) && this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(k, v);
  }
  delete(k: string) {
    this.map.delete(k);
  }
  clear() {
    this.map.clear();
  }
}

interface ResolvedEntry {
  generation: number;
  value: unknown;
}

export interface CacheOptions {
  /** Resolutions kept, over every (key, scope, user); one is ~0.5–1 KB with its chain. */
  maxResolved?: number;
  /** Scope paths kept. */
  maxPaths?: number;
}

/**
 * In-process caches, each an LRU with an entry budget so one process's memory stays flat however many
 * (key, scope, user) combinations are read. Values are cached per (key, scope, user); a write to a key
 * bumps the key's generation, which both stops a read that raced the write from caching the old answer
 * and makes every entry cached under an older generation a miss (dropped when next met or evicted).
 */
export class Caches {
  /** Stamped on this instance's NOTIFYs, so their echo does not drop what was cached after the commit. */
  readonly origin = randomUUID();
  registry: Registry | null = null;
  levels: TLevel[] | null = null;
  setupComplete = false;
  private paths: Lru<ScopeRef[]>;
  private resolved: Lru<ResolvedEntry>;
  private generations = new Map<string, number>();
  /** Bumped by changes that can alter any key's answer (definitions, scopes). */
  private epoch = 0;
  private principals = new Map<string, { principal: Principal; expires: number }>();
  private listeners = new Set<(c: Change) => void>();

  constructor(options: CacheOptions = {}) {
    this.resolved = new Lru(Math.max(1, options.maxResolved ?? CACHE_DEFAULTS.resolved));
    this.paths = new Lru(Math.max(1, options.maxPaths ?? CACHE_DEFAULTS.paths));
  }

  /** Entries held (tests, diagnostics). */
  get sizes() {
    return { resolved: this.resolved.size, paths: this.paths.size };
  }

  path(scopeId: string) {
    return this.paths.get(scopeId);
  }
  setPath(scopeId: string, path: ScopeRef[]) {
    this.paths.set(scopeId, path);
  }

  generation(key: string) {
    return this.epoch * 1_000_000_000 + (this.generations.get(key) ?? 0);
  }
  getResolved<T>(key: string, ctx: string): T | undefined {
    const id = `${key}\u0000${ctx}`;
    const hit = this.resolved.get(id);
    if (!hit) return undefined;
    if (hit.generation === this.generation(key)) return hit.value as T;
    this.resolved.delete(id); // written since
    return undefined;
  }
  /** Stores only if no write to `key` happened since `generation` was read. */
  setResolved(key: string, ctx: string, generation: number, value: unknown) {
    if (this.generation(key) !== generation) return;
    this.resolved.set(`${key}\u0000${ctx}`, { generation, value });
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
  }
}
