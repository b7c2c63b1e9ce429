/**
 * `createSwitchboard`: one snapshot download, then local answers kept current by the change stream.
 *
 *   const sb = await createSwitchboard({ url, token, context: { tenantId: 'tenant_au' }, snapshotPath: '/var/cache/sb.json' });
 *   sb.get('catering.bufferPercentage');             // number, from memory
 *   sb.isEnabled('feature.newDashboard', { userId }); // evaluated locally, same rule as the server
 *   const stop = sb.watch('catering.bufferPercentage', (value) => …);
 */
import type { FlagEvaluation, FlagRule } from '@/lib/engine/flags';
import { ZSdkSnapshot, type TSdkSetting, type TSdkSnapshot } from '@/lib/schemas/sdk';
import { LocalFlags } from './local';
import { loadSnapshot, saveSnapshot } from './persist';
import { EventStream, type SseEvent } from './stream';
import { SwitchboardError, type ChangeEvent, type EvalContext, type SettingKey, type SettingValue, type SwitchboardOptions, type SwitchboardStatus } from './types';

export interface Switchboard {
  get<K extends SettingKey>(key: K): SettingValue<K>;
  getMany<K extends SettingKey>(keys: readonly K[]): { [P in K]: SettingValue<P> };
  isEnabled(flag: string, ctx?: EvalContext): boolean;
  /** The assigned variant of a flag with variants (undefined while it is off for the context). */
  variant(flag: string, ctx?: EvalContext): { key: string; value: unknown } | undefined;
  /** The full answer, with the reason (what `GET /flags/:key/evaluate` answers). */
  evaluate(flag: string, ctx?: EvalContext): FlagEvaluation;
  /** A flag's effective rule at the client's scope (what `evaluate` decides from). */
  rule(flag: string): FlagRule | undefined;
  /** Calls `cb` when a setting's value (or a flag's rule) changes; returns the unsubscribe. */
  watch(key: string, cb: (change: ChangeEvent) => void): () => void;
  /** Every change, in batches (the OpenFeature provider's ConfigurationChanged). */
  onChange(cb: (changes: ChangeEvent[]) => void): () => void;
  status(): SwitchboardStatus;
  /** Downloads the snapshot again (If-None-Match); true when it changed. */
  refresh(): Promise<boolean>;
  close(): void;
}

const API = '/api/v1';
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

class Client implements Switchboard {
  private settings = new Map<string, TSdkSetting>();
  private flags!: LocalFlags;
  private snap!: TSdkSnapshot;
  private etag: string | undefined;
  private state: SwitchboardStatus = { state: 'connecting' };
  private readonly watchers = new Map<string, Set<(c: ChangeEvent) => void>>();
  private readonly listeners = new Set<(c: ChangeEvent[]) => void>();
  private stream: EventStream | undefined;
  private refreshing: Promise<boolean> | undefined;
  private again = false;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly ctx: EvalContext;

  constructor(private readonly options: SwitchboardOptions) {
    this.base = new URL(options.url).toString().replace(/\/$/, '');
    this.fetch = options.fetch ?? fetch;
    this.ctx = { userId: options.context?.userId, role: options.context?.role };
  }

  // ---- start-up ----

  async start(): Promise<this> {
    try {
      await this.download();
    } catch (e) {
      if (e instanceof SwitchboardError && e.code !== 'UNREACHABLE') throw e; // a wrong token or scope is not an outage
      const saved = this.options.snapshotPath ? await loadSnapshot(this.options.snapshotPath) : undefined;
      if (!saved) {
        const where = this.options.snapshotPath ? `no last-known snapshot at ${this.options.snapshotPath}` : 'no snapshotPath to keep one';
        throw new SwitchboardError(`Switchboard at ${this.base} cannot be reached (${(e as Error).message}) and there is ${where}: nothing to answer from`, 'UNREACHABLE');
      }
      this.install(saved.snapshot, undefined);
      this.state = { state: 'stale', since: saved.savedAt, reason: (e as Error).message, version: saved.snapshot.version };
    }
    this.follow();
    return this;
  }

  private query(): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(this.options.context ?? {})) if (v !== undefined && k !== 'role') q.set(k, v);
    return q.toString();
  }

  /** GET the snapshot; false on 304. Network failures and 5xx are UNREACHABLE, other refusals name the server's reason. */
  private async download(): Promise<boolean> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (this.etag) headers['if-none-match'] = this.etag;
    let res: Response;
    try {
      res = await this.fetch(`${this.base}${API}/sdk/snapshot?${this.query()}`, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new SwitchboardError((e as Error).message, 'UNREACHABLE');
    }
    if (res.status === 304) return false;
    const body = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    if (!res.ok) {
      const code = res.status >= 500 ? 'UNREACHABLE' : (body?.error?.code ?? 'HTTP_' + res.status);
      throw new SwitchboardError(`The snapshot request answered ${res.status}: ${body?.error?.message ?? res.statusText}`, code, res.status);
    }
    const snapshot = ZSdkSnapshot.parse(body);
    this.install(snapshot, res.headers.get('etag') ?? `"${snapshot.version}"`);
    if (this.options.snapshotPath) await saveSnapshot(this.options.snapshotPath, snapshot).catch(() => {}); // a full disk must not stop live answers
    return true;
  }

  /** Takes a new snapshot, telling watchers what changed against the one before. */
  private install(snapshot: TSdkSnapshot, etag: string | undefined) {
    const before = this.snap ? { settings: this.settings, flags: this.flags } : undefined;
    this.snap = snapshot;
    this.etag = etag;
    this.settings = new Map(Object.entries(snapshot.settings));
    this.flags = new LocalFlags(snapshot);
    if (!before) return;
    const changes: ChangeEvent[] = [];
    for (const [key, now] of this.settings) {
      const old = before.settings.get(key);
      if (!old || !same(old.value, now.value)) changes.push({ key, kind: 'setting', value: now.value, previous: old?.value });
    }
    for (const key of new Set([...before.flags.keys(), ...this.flags.keys()])) {
      const a = before.flags.rule(key);
      const b = this.flags.rule(key);
      if (!same(a && { ...a, expiresAt: a.expiresAt?.getTime() }, b && { ...b, expiresAt: b.expiresAt?.getTime() })) changes.push({ key, kind: 'flag' });
    }
    this.emit(changes);
  }

  // ---- the stream ----

  private follow() {
    const { minMs = 500, maxMs = 30_000 } = this.options.reconnect ?? {};
    const q = new URLSearchParams(this.query());
    q.delete('tenantId');
    q.delete('eventId');
    q.delete('projectId');
    q.set('scope', this.snap.scopePath[0]);
    this.stream = new EventStream(
      { url: `${this.base}${API}/stream?${q}`, headers: { authorization: `Bearer ${this.options.token}` }, minMs, maxMs, fetch: this.fetch },
      {
        // (re)connected: a download closes the gap between the snapshot and the stream's first event (304 if none)
        onOpen: () =>
          void this.refresh()
            .then(() => (this.state = { state: 'live', version: this.snap.version }))
            .catch(() => {}),
        onEvent: (e) => this.onEvent(e),
        onDown: (reason) => this.stale(reason),
      },
    );
    this.stream.start();
  }

  private stale(reason: string) {
    if (this.state.state === 'closed') return;
    if (this.state.state !== 'stale') this.state = { state: 'stale', since: new Date(), reason, version: this.snap.version };
  }

  private onEvent(e: SseEvent) {
    let data: { key?: string; value?: unknown };
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    const known = data.key !== undefined ? this.settings.get(data.key) : undefined;
    if ((e.event === 'setting.changed' || e.event === 'maintenance') && known && 'value' in data) {
      if (same(known.value, data.value)) return;
      this.settings.set(data.key!, { ...known, value: data.value });
      this.etag = undefined; // the snapshot on the server moved on: the next download is a full one
      this.emit([{ key: data.key!, kind: 'setting', value: data.value, previous: known.value }]);
      return;
    }
    // a flag's rule, a value this context may not see in the event, a reset: download again
    if (['setting.changed', 'flag.changed', 'maintenance', 'reset'].includes(e.event)) void this.refresh().catch(() => {});
  }

  refresh(): Promise<boolean> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const run = async (): Promise<boolean> => {
      let changed = false;
      do {
        this.again = false;
        try {
          changed = (await this.download()) || changed;
        } catch (e) {
          this.stale((e as Error).message);
          throw e;
        }
      } while (this.again);
      return changed;
    };
    this.refreshing = run().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private emit(changes: ChangeEvent[]) {
    if (!changes.length) return;
    for (const c of changes) for (const cb of this.watchers.get(c.key) ?? []) cb(c);
    for (const cb of this.listeners) cb(changes);
  }

  // ---- reads ----

  get<K extends SettingKey>(key: K): SettingValue<K> {
    const s = this.settings.get(key);
    if (s !== undefined) return s.value as SettingValue<K>;
    if (this.snap.types[key] === 'secret') throw new SwitchboardError(`"${key}" is a secret; secrets are never in an SDK snapshot`, 'SECRET');
    throw new SwitchboardError(`No setting "${key}" in the registry`, 'SETTING_NOT_FOUND');
  }

  getMany<K extends SettingKey>(keys: readonly K[]): { [P in K]: SettingValue<P> } {
    const out = {} as { [P in K]: SettingValue<P> };
    for (const k of keys) out[k] = this.get(k);
    return out;
  }

  evaluate(flag: string, ctx?: EvalContext): FlagEvaluation {
    return this.flags.evaluate(flag, ctx ? { userId: ctx.userId ?? this.ctx.userId, role: ctx.role ?? this.ctx.role } : this.ctx);
  }

  rule(flag: string): FlagRule | undefined {
    return this.flags.rule(flag);
  }

  isEnabled(flag: string, ctx?: EvalContext): boolean {
    return this.evaluate(flag, ctx).enabled;
  }

  variant(flag: string, ctx?: EvalContext): { key: string; value: unknown } | undefined {
    const r = this.evaluate(flag, ctx);
    return r.enabled && r.variant !== undefined ? { key: r.variant, value: r.value } : undefined;
  }

  watch(key: string, cb: (change: ChangeEvent) => void): () => void {
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(cb);
    return () => void set.delete(cb);
  }

  onChange(cb: (changes: ChangeEvent[]) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  status(): SwitchboardStatus {
    return this.state;
  }

  close() {
    this.state = { state: 'closed' };
    this.stream?.close();
  }
}

/** Downloads the context's snapshot (or, with the server unreachable, reads the last-known one) and follows the stream. */
export function createSwitchboard(options: SwitchboardOptions): Promise<Switchboard> {
  return new Client(options).start();
}
