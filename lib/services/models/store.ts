import 'server-only';
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { unnestRows, type Column } from '@/lib/db/rows';
import { modelAccess, modelConfigurations, modelTemplates, modelUsage } from '@/lib/db/schema';

/** Every query of the models feature. The services above build none of their own. */

export type ConfigRow = typeof modelConfigurations.$inferSelect;
export type ConfigInsert = typeof modelConfigurations.$inferInsert;
export type TemplateRow = typeof modelTemplates.$inferSelect;
export type AccessRow = typeof modelAccess.$inferSelect;
export type UsageRow = typeof modelUsage.$inferSelect;

// ------------------------------------------------------------------ configurations

export const allConfigs = (db: Executor) => db.select().from(modelConfigurations);

export async function configRow(db: Executor, provider: string, scopeId: string): Promise<ConfigRow | undefined> {
  const [row] = await db
    .select()
    .from(modelConfigurations)
    .where(and(eq(modelConfigurations.provider, provider), eq(modelConfigurations.scopeId, scopeId)));
  return row;
}

/** A provider's rows along a scope path, read inside a write's transaction (the row at the target locked). */
export async function configsOnPath(tx: Executor, provider: string, scopeIds: string[]): Promise<ConfigRow[]> {
  return tx
    .select()
    .from(modelConfigurations)
    .where(and(eq(modelConfigurations.provider, provider), inArray(modelConfigurations.scopeId, scopeIds)))
    .for('update');
}

export async function saveConfig(tx: Executor, row: ConfigInsert): Promise<ConfigRow> {
  const set = { ...row };
  delete set.createdAt;
  const [saved] = await tx
    .insert(modelConfigurations)
    .values(row)
    .onConflictDoUpdate({ target: [modelConfigurations.provider, modelConfigurations.scopeId], set })
    .returning();
  return saved;
}

export async function deleteConfig(tx: Executor, provider: string, scopeId: string): Promise<void> {
  await tx.delete(modelConfigurations).where(and(eq(modelConfigurations.provider, provider), eq(modelConfigurations.scopeId, scopeId)));
}

/** Scopes whose configuration references a preset. */
export async function presetUsers(tx: Executor, presetId: string): Promise<{ provider: string; scopeId: string }[]> {
  return tx.select({ provider: modelConfigurations.provider, scopeId: modelConfigurations.scopeId }).from(modelConfigurations).where(eq(modelConfigurations.preset, presetId));
}

// ------------------------------------------------------------------ templates (presets)

export const allTemplates = (db: Executor) => db.select().from(modelTemplates).orderBy(asc(modelTemplates.provider), asc(modelTemplates.name));

export async function templateRow(db: Executor, id: string, lock = false): Promise<TemplateRow | undefined> {
  const q = db.select().from(modelTemplates).where(eq(modelTemplates.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function insertTemplate(tx: Executor, row: typeof modelTemplates.$inferInsert): Promise<TemplateRow | undefined> {
  const [saved] = await tx.insert(modelTemplates).values(row).onConflictDoNothing().returning();
  return saved;
}

export async function updateTemplate(tx: Executor, id: string, set: Partial<typeof modelTemplates.$inferInsert>): Promise<TemplateRow> {
  const [saved] = await tx.update(modelTemplates).set(set).where(eq(modelTemplates.id, id)).returning();
  return saved;
}

export async function deleteTemplate(tx: Executor, id: string): Promise<void> {
  await tx.delete(modelTemplates).where(eq(modelTemplates.id, id));
}

// ------------------------------------------------------------------ provider restrictions

export const allAccess = (db: Executor) => db.select().from(modelAccess);

export async function accessRow(tx: Executor, scopeId: string): Promise<AccessRow | undefined> {
  const [row] = await tx.select().from(modelAccess).where(eq(modelAccess.scopeId, scopeId)).for('update');
  return row;
}

export async function saveAccess(tx: Executor, row: typeof modelAccess.$inferInsert): Promise<void> {
  await tx.insert(modelAccess).values(row).onConflictDoUpdate({ target: modelAccess.scopeId, set: row });
}

export async function deleteAccess(tx: Executor, scopeId: string): Promise<void> {
  await tx.delete(modelAccess).where(eq(modelAccess.scopeId, scopeId));
}

// ------------------------------------------------------------------ metering

/** One counter a usage adds to, with the hard limits that counter may not pass (null: none). */
export interface CounterTarget {
  scopeId: string;
  period: 'daily' | 'monthly';
  windowStart: Date;
  day: string;
  max: { requests: number | null; tokens: number | null; costMicros: number | null };
}

export interface CounterValue {
  scopeId: string;
  period: 'daily' | 'monthly';
  requests: number;
  tokens: number;
  costMicros: number;
}

const num = (v: unknown) => Number(v);
const toCounter = (r: Record<string, unknown>): CounterValue => ({
  scopeId: String(r.scope_id),
  period: r.period as CounterValue['period'],
  requests: num(r.requests),
  tokens: num(r.tokens),
  costMicros: num(r.cost_micros),
});

/** One counter row's key: a provider's window at a scope. */
export interface CounterKey {
  provider: string;
  scopeId: string;
  period: 'daily' | 'monthly';
  windowStart: Date;
  day: string;
}

/**
 * A sync's counters and allowances travel as one array parameter per column (lib/db/rows.ts), not a
 * VALUES list of 4–9 bound parameters per row: with a few hundred counters per sync, building and binding
 * those lists was most of the sync's CPU, in blocks long enough to delay the requests around them (and a
 * jsonb document of the rows costs the database several times more to parse than the arrays). The
 * statement text stays the same from sync to sync.
 */
type Keyed = Omit<CounterKey, 'day'>;
type Amounted = Keyed & { requests: number; tokens: number; costMicros: number };
const KEY_COLUMNS: Record<string, Column<Keyed>> = {
  p: ['text', (k) => k.provider],
  s: ['text', (k) => k.scopeId],
  pe: ['text', (k) => k.period],
  w: ['timestamptz', (k) => k.windowStart],
};
const AMOUNT_COLUMNS: Record<string, Column<Amounted>> = {
  ...KEY_COLUMNS,
  r: ['bigint', (a) => a.requests],
  t: ['bigint', (a) => a.tokens],
  c: ['bigint', (a) => a.costMicros],
};
const keysTable = (keys: Keyed[]) => unnestRows(keys, KEY_COLUMNS, 'k');
const amountsTable = (rows: Amounted[]) => unnestRows(rows, AMOUNT_COLUMNS, 'k');
const KEY_MATCH = (t: string) => sql.raw(`${t}.provider = k.p and ${t}.scope_id = k.s and ${t}.period = k.pe and ${t}.window_start = k.w`);

/**
 * Locks the counters of a metering batch for the rest of the caller's transaction. Callers pass the keys
 * sorted. Missing rows are created at zero first (in that order), then every row is locked in one ORDER BY:
 * so a transaction waits only for rows it would lock after those it holds, and concurrent batches (other
 * instances) queue instead of deadlocking. (Locking existing rows before creating missing ones would not:
 * two batches could each hold what the other creates or locks next.) `created`: rows this transaction made,
 * dropped again when nothing was added to them.
 */
export async function lockCounters(tx: Executor, keys: CounterKey[]): Promise<{ rows: LockedCounter[]; created: LockedCounter[] }> {
  if (keys.length === 0) return { rows: [], created: [] };
  const created = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      insert into model_usage (provider, scope_id, period, window_start, day)
      select k.p, k.s, k.pe, k.w, k.d from ${unnestRows(keys, { ...KEY_COLUMNS, d: ['text', (k) => k.day] }, 'k')} order by k.ord
      on conflict (provider, scope_id, period, window_start) do nothing
      returning provider, scope_id, period, window_start, requests, tokens, cost_micros`),
  ).map(toLocked);
  return { rows: (await selectForUpdate(tx, keys)).map(toLocked), created };
}

async function selectForUpdate(tx: Executor, keys: Omit<CounterKey, 'day'>[]) {
  return rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select u.provider, u.scope_id, u.period, u.window_start, u.requests, u.tokens, u.cost_micros
      from model_usage u join ${keysTable(keys)} on ${KEY_MATCH('u')}
      order by u.provider, u.scope_id, u.period, u.window_start
      for update of u`),
  );
}

export type LockedCounter = CounterValue & { provider: string; windowStart: Date };
const toLocked = (r: Record<string, unknown>): LockedCounter => ({ ...toCounter(r), provider: String(r.provider), windowStart: new Date(r.window_start as string) });

/** Removes counters this transaction created that nothing was added to (a refused usage writes nothing). */
export async function dropCounters(tx: Executor, keys: Omit<CounterKey, 'day'>[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.execute(sql`delete from model_usage u using ${keysTable(keys)} where ${KEY_MATCH('u')}`);
}

/** Adds each batch total to its (locked) counter, in one statement. */
export async function addToCounters(tx: Executor, adds: Amounted[]): Promise<void> {
  if (adds.length === 0) return;
  await tx.execute(sql`
    update model_usage as u set
      requests = u.requests + k.r,
      tokens = u.tokens + k.t,
      cost_micros = u.cost_micros + k.c,
      updated_at = now()
    from ${amountsTable(adds)}
    where ${KEY_MATCH('u')}`);
}

/** Current counters of the given windows (zero rows: nothing used yet). */
export async function readCounters(db: Executor, provider: string, keys: { scopeId: string; period: string; windowStart: Date }[]): Promise<CounterValue[]> {
  if (keys.length === 0) return [];
  const tuples = keys.map((k) => sql`(${k.scopeId}, ${k.period}, ${k.windowStart.toISOString()}::timestamptz)`);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select scope_id, period, requests, tokens, cost_micros from model_usage
      where provider = ${provider} and (scope_id, period, window_start) in (${sql.join(tuples, sql`, `)})`),
  );
  return rows.map(toCounter);
}

/** Daily counters of one scope since a local day (YYYY-MM-DD), for the usage history. */
export async function dailyHistory(db: Executor, provider: string, scopeId: string, sinceDay: string) {
  return db
    .select({ day: modelUsage.day, requests: modelUsage.requests, tokens: modelUsage.tokens, costMicros: modelUsage.costMicros })
    .from(modelUsage)
    .where(and(eq(modelUsage.provider, provider), eq(modelUsage.scopeId, scopeId), eq(modelUsage.period, 'daily'), gte(modelUsage.day, sinceDay)))
    .orderBy(asc(modelUsage.day));
}

// ------------------------------------------------------------------ allowances (meter.ts)

export interface AllowanceRow extends Omit<CounterKey, 'day'> {
  instance: string;
  requests: number;
  tokens: number;
  costMicros: number;
  /** Its lease ended: the instance holding it is gone (or hopelessly late), so it is charged in full. */
  expired: boolean;
}

/** Every instance's allowance on the given counters (which the caller has locked: they guard these rows). */
export async function allowancesOf(tx: Executor, keys: Omit<CounterKey, 'day'>[]): Promise<AllowanceRow[]> {
  if (keys.length === 0) return [];
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select a.provider, a.scope_id, a.period, a.window_start, a.instance, a.requests, a.tokens, a.cost_micros, a.expires_at < now() as expired
      from model_usage_allowances a join ${keysTable(keys)} on ${KEY_MATCH('a')}`),
  );
  return rows.map((r) => ({ ...toLocked(r), instance: String(r.instance), expired: r.expired === true }));
}

/** Sets this instance's allowances (absolute amounts) with a lease of `leaseMs` from now. */
export async function saveAllowances(tx: Executor, instance: string, rows: Amounted[], leaseMs: number) {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into model_usage_allowances (provider, scope_id, period, window_start, instance, requests, tokens, cost_micros, expires_at)
    select k.p, k.s, k.pe, k.w, ${instance}, k.r, k.t, k.c, now() + ${leaseMs}::int * interval '1 millisecond'
    from ${amountsTable(rows)}
    on conflict (provider, scope_id, period, window_start, instance) do update set
      requests = excluded.requests, tokens = excluded.tokens, cost_micros = excluded.cost_micros, expires_at = excluded.expires_at`);
}

export async function deleteAllowances(tx: Executor, rows: (Omit<CounterKey, 'day'> & { instance: string })[]) {
  if (rows.length === 0) return;
  await tx.execute(sql`
    delete from model_usage_allowances a using ${unnestRows(rows, { ...KEY_COLUMNS, n: ['text', (k) => k.instance] }, 'k')}
    where ${KEY_MATCH('a')} and a.instance = k.n`);
}

// ------------------------------------------------------------------ backup seam

export async function replaceAll(
  tx: Executor,
  data: { configurations: ConfigInsert[]; templates: (typeof modelTemplates.$inferInsert)[]; access: (typeof modelAccess.$inferInsert)[] },
): Promise<void> {
  await tx.delete(modelConfigurations);
  await tx.delete(modelTemplates);
  await tx.delete(modelAccess);
  if (data.templates.length) await tx.insert(modelTemplates).values(data.templates);
  if (data.configurations.length) await tx.insert(modelConfigurations).values(data.configurations);
  if (data.access.length) await tx.insert(modelAccess).values(data.access);
}
