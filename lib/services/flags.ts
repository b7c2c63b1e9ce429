import 'server-only';
import { hash } from 'node:crypto';
import { and, asc, countDistinct, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { featureFlags, scopes } from '@/lib/db/schema';
import { can, type Principal } from '@/lib/auth/policy';
import { dependencyCycle, effectiveRule, evaluateFlag, flagRuleProblems, type FlagEvaluation, type FlagRule } from '@/lib/engine/flags';
import type { TCatalogFlag, TCreateFlag, TFlag, TFlagMatrix, TUpdateFlag } from '@/lib/schemas/flags';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import type { Change } from './cache';
import { inTransaction } from './changes';
import { resolveContext, type ContextInput } from './context';
import { fail } from './errors';
import { pathIds, scopePath, scopesWhere } from './scopes';

type FlagRow = typeof featureFlags.$inferSelect;
/** Flag rows by key, then by scope id. */
type FlagTable = Map<string, Map<string, FlagRow>>;

// Flag writes are rare; one lock keeps dependency checks (existence, cycles) true under concurrent writers.
const FLAG_WRITE_LOCK = 0x5b0a7e;
const FLUSH_EVALUATED_MS = 60_000;

// ------------------------------------------------------------------ the in-memory table

/**
 * Every flag row, loaded in one query and dropped on any flag change (here, or by NOTIFY from another
 * instance), so evaluation after warm-up never queries. Flags number in the hundreds, not millions.
 */
interface FlagState {
  table: FlagTable | null;
  generation: number;
  /** Rows that decided an evaluation since the last flush of last_evaluated_at. */
  evaluated: Set<FlagRow>;
  flushedAt: number;
}

const states = new WeakMap<App, FlagState>();

function stateOf(app: App): FlagState {
  let state = states.get(app);
  if (!state) {
    const s: FlagState = { table: null, generation: 0, evaluated: new Set(), flushedAt: Date.now() };
    app.caches.onChange((c) => {
      if (c.type !== 'flag') return;
      s.table = null;
      s.generation++;
    });
    states.set(app, (state = s));
  }
  return state;
}

async function loadTable(db: Executor): Promise<FlagTable> {
  const table: FlagTable = new Map();
  for (const row of await db.select().from(featureFlags)) {
    let byScope = table.get(row.key);
    if (!byScope) table.set(row.key, (byScope = new Map()));
    byScope.set(row.scopeId, row);
  }
  return table;
}

async function cachedTable(app: App): Promise<FlagTable> {
  const state = stateOf(app);
  if (state.table) return state.table;
  const generation = state.generation;
  const table = await loadTable(app.db);
  // a change committed while loading makes this table stale: use it for this request only
  if (state.generation === generation) state.table = table;
  return table;
}

/** Notes the row that decided an evaluation; writes last_evaluated_at at most once a minute. */
function noteEvaluated(app: App, row: FlagRow) {
  const state = stateOf(app);
  state.evaluated.add(row);
  if (Date.now() - state.flushedAt >= FLUSH_EVALUATED_MS) void flushEvaluated(app).catch(() => {});
}

/** Writes the noted evaluation times (not a change: no version, audit or notification). */
export async function flushEvaluated(app: App): Promise<void> {
  const state = stateOf(app);
  state.flushedAt = Date.now();
  if (state.evaluated.size === 0) return;
  // a reloaded table brings new objects for the same rows
  const rows = new Map([...state.evaluated].map((r) => [`${r.key}\u0000${r.scopeId}`, r]));
  state.evaluated.clear();
  const at = new Date(state.flushedAt).toISOString();
  const values = [...rows.values()].map((r) => sql`(${r.key}::text, ${r.scopeId}::text)`);
  await app.db.execute(sql`
    update feature_flags f set last_evaluated_at = ${at}::timestamptz
    from (values ${sql.join(values, sql`, `)}) as v(key, scope_id)
    where f.key = v.key and f.scope_id = v.scope_id`);
}

// ------------------------------------------------------------------ evaluation

export interface FlagContextInput extends Omit<ContextInput, 'userId'> {
  /** The targeting key: any id of the caller's users. */
  userId?: string;
  role?: string;
}

export interface FlagEvaluator {
  /** The effective row of a key on the context's scope path. */
  flag(key: string): FlagRule | undefined;
  /** Keys with a row on the context's scope path, sorted. */
  keys(): readonly string[];
  evaluate(key: string): FlagEvaluation;
  /**
   * Everything every evaluation of this evaluator depends on (the flag rows' versions, which expiry times
   * have passed, the scope path, user and role): equal fingerprints, equal answers.
   */
  fingerprint(): string;
}

/** Per loaded table: its version and expiry times, and the sorted keys seen from each scope path. */
interface TableFacts {
  version: string;
  expiries: number[];
  keysByPath: Map<string, readonly string[]>;
}
const tableFacts = new WeakMap<FlagTable, TableFacts>();

function factsOf(table: FlagTable): TableFacts {
  let facts = tableFacts.get(table);
  if (!facts) {
    const parts: string[] = [];
    const expiries = new Set<number>();
    for (const byScope of table.values()) {
      for (const r of byScope.values()) {
        parts.push(`${r.key}\u0000${r.scopeId}\u0000${r.version}\u0000${r.updatedAt.getTime()}`);
        if (r.expiresAt) expiries.add(r.expiresAt.getTime());
      }
    }
    const version = hash('sha1', parts.sort().join('\u0001'), 'base64url');
    tableFacts.set(table, (facts = { version, expiries: [...expiries].sort((a, b) => a - b), keysByPath: new Map() }));
  }
  return facts;
}

/** How many of the table's expiry times have passed at `now`: evaluations change only when this does. */
function expiredCount(expiries: readonly number[], now: number): number {
  let n = 0;
  while (n < expiries.length && expiries[n] < now) n++;
  return n;
}

/** Flags as seen from a context: its scope path (checked for `flags.evaluate`), user and role. */
export async function flagEvaluator(app: App, principal: Principal, input: FlagContextInput): Promise<FlagEvaluator> {
  const { path } = await resolveContext(app, principal, { scope: input.scope, tenantId: input.tenantId, eventId: input.eventId, projectId: input.projectId }, { action: 'flags.evaluate' });
  const table = await cachedTable(app);
  const ids = pathIds(path);
  const flag = (key: string): FlagRow | undefined => effectiveRule(table.get(key), ids);
  const ctx = { userId: input.userId, role: input.role, now: new Date() };
  const facts = factsOf(table);
  const pathKey = ids.join('/');
  return {
    flag,
    keys() {
      let keys = facts.keysByPath.get(pathKey);
      if (!keys) {
        keys = [...table.keys()].filter((k) => flag(k)).sort();
        if (facts.keysByPath.size >= 10_000) facts.keysByPath.clear(); // bounded: scopes may number many thousands
        facts.keysByPath.set(pathKey, keys);
      }
      return keys;
    },
    evaluate(key) {
      const row = flag(key);
      if (row) noteEvaluated(app, row);
      return evaluateFlag(key, ctx, flag);
    },
    fingerprint: () => JSON.stringify([facts.version, expiredCount(facts.expiries, ctx.now.getTime()), ids, ctx.userId ?? null, ctx.role ?? null]),
  };
}

/** `GET /flags/:key/evaluate` → `{ key, enabled, reason, variant?, value? }`; `userId=me` is the caller. */
export async function evaluateOne(app: App, principal: Principal, key: string, input: FlagContextInput) {
  const userId = input.userId === 'me' ? principal.userId : input.userId;
  const { enabled, reason, variant, value } = (await flagEvaluator(app, principal, { ...input, userId })).evaluate(key);
  return { key, enabled, reason, ...(variant !== undefined && { variant, value }) };
}

// ------------------------------------------------------------------ reads

function toFlag(r: FlagRow): TFlag {
  return {
    key: r.key,
    scope: r.scopeId,
    enabled: r.enabled,
    description: r.description,
    flagType: r.flagType,
    rolloutPercentage: r.rolloutPercentage,
    enabledForRoles: r.enabledForRoles,
    enabledForUsers: r.enabledForUsers,
    dependsOnFlag: r.dependsOnFlag,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    variants: r.variants,
    metadata: r.metadata,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    updatedBy: r.updatedBy,
    lastEvaluatedAt: r.lastEvaluatedAt?.toISOString() ?? null,
  };
}

/** The rule as the audit log records it. */
const audited = (r: FlagRow) => ({ ...ruleOf(r), expiresAt: r.expiresAt?.toISOString() ?? null });

/** The flag effective at a scope for every key (its own row or the nearest ancestor's), paged. */
export async function listFlags(app: App, principal: Principal, q: ContextInput & { limit: number; offset: number }) {
  const { path } = await resolveContext(app, principal, q, { action: 'flags.read' });
  const ids = pathIds(path);
  const table = await loadTable(app.db);
  const effective = [...table.keys()]
    .sort()
    .flatMap((key) => {
      const row = effectiveRule(table.get(key), ids);
      return row ? [{ ...toFlag(row), inherited: row.scopeId !== ids[0] }] : [];
    });
  return { flags: effective.slice(q.offset, q.offset + q.limit), total: effective.length };
}

export async function getFlag(app: App, principal: Principal, key: string, q: ContextInput) {
  const { path } = await resolveContext(app, principal, q, { action: 'flags.read' });
  const ids = pathIds(path);
  const rows = await app.db.select().from(featureFlags).where(eq(featureFlags.key, key));
  const row = effectiveRule(new Map(rows.map((r) => [r.scopeId, r])), ids);
  if (!row) return fail('FLAG_NOT_FOUND', `No flag "${key}" at or above scope "${ids[0]}"`, 'key');
  return { ...toFlag(row), inherited: row.scopeId !== ids[0] };
}

/** Global and every tenant the caller may read, with each flag's effective state there (seed 003 §6.5). */
export async function flagMatrix(app: App, principal: Principal): Promise<TFlagMatrix> {
  if (!can(principal, 'flags.read', { scopePath: ['global'] })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform and tenant admins read feature flags');
  const visible = await scopesWhere(app, principal, 'flags.read');
  const tenants = (await app.db.select({ id: scopes.id, name: scopes.name }).from(scopes).where(eq(scopes.level, 'tenant')).orderBy(asc(scopes.name), asc(scopes.id))).filter(
    (s) => visible === null || visible.includes(s.id),
  );
  const columns = [{ id: 'global', name: 'Global' }, ...tenants];
  const paths = await Promise.all(columns.map(async (c) => pathIds(await scopePath(app, c.id))));
  const table = await loadTable(app.db);
  // a flag whose rows all sit in tenants the caller cannot read stays unknown to them
  const seen = (scopeId: string) => visible === null || scopeId === 'global' || visible.includes(scopeId);
  const flags = [...table.keys()].sort().filter((key) => [...table.get(key)!.keys()].some(seen)).map((key) => {
    const rows = table.get(key)!;
    const cells: Record<string, { enabled: boolean; inherited: boolean }> = {};
    columns.forEach((c, i) => {
      const row = effectiveRule(rows, paths[i]);
      cells[c.id] = { enabled: row?.enabled ?? false, inherited: row?.scopeId !== c.id };
    });
    const main = rows.get('global') ?? [...rows.values()].find((r) => seen(r.scopeId))!;
    const evaluated = [...rows.values()].filter((r) => r.lastEvaluatedAt && seen(r.scopeId)).map((r) => r.lastEvaluatedAt!.getTime());
    return {
      key,
      description: main.description,
      flagType: main.flagType,
      expiresAt: main.expiresAt?.toISOString() ?? null,
      createdAt: main.createdAt.toISOString(),
      lastEvaluatedAt: evaluated.length ? new Date(Math.max(...evaluated)).toISOString() : null,
      cells,
    };
  });
  return { scopes: columns, flags };
}

export async function countFlagKeys(app: App): Promise<number> {
  const [{ n }] = await app.db.select({ n: countDistinct(featureFlags.key) }).from(featureFlags);
  return Number(n);
}

// ------------------------------------------------------------------ writes

/** Rule fields cross-checked or converted on the way in go last: dependsOnFlag, expiresAt. */
const RULE_KEYS = ['enabled', 'description', 'flagType', 'rolloutPercentage', 'enabledForRoles', 'enabledForUsers', 'variants', 'metadata', 'dependsOnFlag', 'expiresAt'] as const;
type RuleFields = Pick<FlagRow, (typeof RULE_KEYS)[number]>;

const ruleOf = (r: FlagRow) => Object.fromEntries(RULE_KEYS.map((k) => [k, r[k]])) as RuleFields;

/** The stored form of the rule fields a request sent (undefined = not sent). */
function ruleChanges(input: TUpdateFlag): Partial<RuleFields> {
  const out: Record<string, unknown> = {};
  for (const k of RULE_KEYS) if (input[k] !== undefined) out[k] = input[k];
  if (typeof input.expiresAt === 'string') out.expiresAt = new Date(input.expiresAt);
  return out as Partial<RuleFields>;
}

const RULE_DEFAULTS: RuleFields = {
  enabled: false,
  description: '',
  flagType: 'boolean',
  rolloutPercentage: null,
  enabledForRoles: [],
  enabledForUsers: [],
  dependsOnFlag: null,
  expiresAt: null,
  variants: null,
  metadata: null,
};

function requireWriter(principal: Principal, ids: string[]) {
  if (!can(principal, 'flags.write', { scopePath: ids })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change feature flags (seed 003 §10.4)');
}

/** Rules a row must satisfy against the other flags: the engine's checks, an existing dependency, no cycle. */
function checkRule(key: string, rule: RuleFields, table: FlagTable) {
  const issues = flagRuleProblems({ key, dependsOnFlag: rule.dependsOnFlag, variants: rule.variants });
  if (issues.length) fail('INVALID_REQUEST', issues[0].message, issues[0].path, { issues });
  const dep = rule.dependsOnFlag;
  if (!dep) return;
  if (!table.has(dep)) fail('INVALID_REQUEST', `dependsOnFlag: there is no flag "${dep}"`, 'dependsOnFlag');
  const cycle = dependencyCycle(key, dep, (k) => [...(table.get(k)?.values() ?? [])].flatMap((r) => (r.dependsOnFlag ? [r.dependsOnFlag] : [])));
  if (cycle) fail('INVALID_REQUEST', `dependsOnFlag: "${dep}" would close a cycle: ${cycle.join(' → ')}`, 'dependsOnFlag', { cycle });
}

/** Runs a flag write in one transaction with the flag table loaded under the write lock. */
function flagWrite<T>(app: App, work: (tx: Executor, table: FlagTable, changed: (c: Change) => void) => Promise<T>): Promise<T> {
  return inTransaction(app, async (tx, changed) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FLAG_WRITE_LOCK})`);
    return work(tx, await loadTable(tx), changed);
  });
}

function checkVersion(key: string, scope: string, current: number, ifMatch: number | undefined) {
  if (ifMatch !== undefined && ifMatch !== current) {
    fail('VERSION_CONFLICT', `Flag "${key}" at "${scope}" is at version ${current}, not ${ifMatch}`, 'version', { currentVersion: current });
  }
}

export async function createFlag(app: App, principal: Principal, input: TCreateFlag, ctx: ChangeContext): Promise<TFlag> {
  const path = await scopePath(app, input.scope);
  requireWriter(principal, pathIds(path));
  const rule: RuleFields = { ...RULE_DEFAULTS, ...ruleChanges(input) };
  return flagWrite(app, async (tx, table, changed) => {
    if (table.get(input.key)?.has(input.scope)) fail('CONFLICT', `Flag "${input.key}" already exists at "${input.scope}"; change it with PUT /flags/${input.key}`, 'key');
    checkRule(input.key, rule, table);
    const [row] = await tx.insert(featureFlags).values({ key: input.key, scopeId: input.scope, ...rule, updatedBy: principal.userId }).returning();
    await appendAudit(tx, ctx, [{ action: 'flag.create', key: input.key, scopeId: input.scope, level: path[0].level, newValue: audited(row), reason: input.reason ?? null, version: 1 }]);
    changed({ type: 'flag', key: input.key });
    return toFlag(row);
  });
}

/** Changes the row at `scope`; where there is none yet, creates an override starting from the inherited flag. */
export async function updateFlag(app: App, principal: Principal, key: string, input: TUpdateFlag & { ifMatch?: number }, ctx: ChangeContext): Promise<TFlag> {
  const path = await scopePath(app, input.scope);
  requireWriter(principal, pathIds(path));
  return flagWrite(app, async (tx, table, changed) => {
    const rows = table.get(key);
    const own = rows?.get(input.scope);
    const base = own ?? effectiveRule(rows, pathIds(path));
    if (!base) return fail('FLAG_NOT_FOUND', `No flag "${key}" at or above scope "${input.scope}"`, 'key');
    checkVersion(key, input.scope, own?.version ?? 0, input.ifMatch);
    const rule: RuleFields = { ...ruleOf(base), ...ruleChanges(input) };
    checkRule(key, rule, table);
    const version = (own?.version ?? 0) + 1;
    const values = { ...rule, version, updatedAt: new Date(), updatedBy: principal.userId };
    const [row] = own
      ? await tx.update(featureFlags).set(values).where(and(eq(featureFlags.key, key), eq(featureFlags.scopeId, input.scope))).returning()
      : await tx.insert(featureFlags).values({ key, scopeId: input.scope, ...values }).returning();
    await appendAudit(tx, ctx, [
      {
        action: own ? 'flag.update' : 'flag.create',
        key,
        scopeId: input.scope,
        level: path[0].level,
        oldValue: own ? audited(own) : null,
        newValue: audited(row),
        reason: input.reason ?? null,
        version,
        details: own ? null : { overrideOf: base.scopeId },
      },
    ]);
    changed({ type: 'flag', key });
    return toFlag(row);
  });
}

/** Deletes the row at `scope`, only once it is disabled (seed 003 §4.2), and not while others depend on the key. */
export async function deleteFlag(app: App, principal: Principal, key: string, input: { scope: string; reason?: string; ifMatch?: number }, ctx: ChangeContext) {
  const path = await scopePath(app, input.scope);
  requireWriter(principal, pathIds(path));
  return flagWrite(app, async (tx, table, changed) => {
    const rows = table.get(key);
    const own = rows?.get(input.scope);
    if (!own) return fail('FLAG_NOT_FOUND', `No flag "${key}" at scope "${input.scope}"`, 'key');
    checkVersion(key, input.scope, own.version, input.ifMatch);
    if (own.enabled) fail('FLAG_ENABLED', `Flag "${key}" at "${input.scope}" is enabled; disable it before deleting it`, 'enabled');
    if (rows!.size === 1) {
      const dependants = [...table.values()].flatMap((byScope) => [...byScope.values()].filter((r) => r.dependsOnFlag === key).map((r) => `${r.key}@${r.scopeId}`));
      if (dependants.length) fail('CONFLICT', `Flags depend on "${key}": ${dependants.join(', ')}`, 'key', { dependants });
    }
    await tx.delete(featureFlags).where(and(eq(featureFlags.key, key), eq(featureFlags.scopeId, input.scope)));
    await appendAudit(tx, ctx, [{ action: 'flag.delete', key, scopeId: input.scope, level: path[0].level, oldValue: audited(own), reason: input.reason ?? null, version: own.version + 1 }]);
    changed({ type: 'flag', key });
    return { deleted: true as const, key, scope: input.scope };
  });
}

/** A catalog's flags at global: created where missing, never overwriting what an admin set. */
export async function loadCatalogFlags(tx: Executor, flags: TCatalogFlag[], catalog: string, ctx: ChangeContext, changed: (c: Change) => void): Promise<number> {
  if (flags.length === 0) return 0;
  const rows = await tx
    .insert(featureFlags)
    .values(flags.map((f) => ({ ...RULE_DEFAULTS, ...f, scopeId: 'global', updatedBy: ctx.actor.id })))
    .onConflictDoNothing()
    .returning();
  await appendAudit(
    tx,
    ctx,
    rows.map((r) => ({ action: 'flag.create', key: r.key, scopeId: 'global', level: 'global', newValue: audited(r), version: 1, source: 'catalog' as const, details: { catalog } })),
  );
  for (const r of rows) changed({ type: 'flag', key: r.key });
  return rows.length;
}
