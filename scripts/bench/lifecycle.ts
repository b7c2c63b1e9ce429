/**
 * Configuration lifecycle rows of the bench (issue 10 "Speed"): export of 10,000 values, import preview +
 * confirm of 10,000 values. In-process: the real router and services on a real database (PGlite in
 * memory, or a throw-away PostgreSQL database), requests handed to the router without a socket, so the
 * figures are the server's own time.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase } from '@/lib/db/client';
import { router } from '@/lib/api/routes';
import { createApp, type App } from '@/lib/services/kernel/app';
import { createSecretBox } from '@/lib/services/kernel/secrets';
import { definitions, valueFor } from './dataset';
import { createBenchDatabase } from './database';
import { TARGETS, timeRow, type Row } from './report';

const VALUES = 10_000;
const TENANTS = 10;

export interface LifecycleApi {
  app: App;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A bootstrapped instance with the bench definitions and `events` event scopes under 10 tenants. */
export async function lifecycleInstance(adminUrl: string | undefined, events: number): Promise<LifecycleApi> {
  const db = adminUrl ? await createBenchDatabase(adminUrl) : undefined;
  const database = await openDatabase(db ? { url: db.url } : { dataDir: 'memory' });
  const app = await createApp(database, createSecretBox(randomBytes(32)));
  // no outage watch here: on a saturated shared machine its 1 s probe times out and a long bulk request would
  // be answered 503 while it still runs (the figures are the server's work, not its outage handling)
  app.storage.stop();
  let token = '';
  const call: LifecycleApi['call'] = async (method, path, body, headers = {}) => {
    const req = new Request(`http://bench${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const res = await router.handle(req, app);
    const text = await res.text();
    const out = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
    return out;
  };
  token = (await call('POST', '/api/v1/setup/bootstrap', { admin: { email: 'bench@example.com', name: 'Bench', password: 'bench bench bench' } })).body.apiToken;
  for (const d of definitions) await call('POST', '/api/v1/definitions', d);
  for (let t = 0; t < TENANTS; t++) await call('POST', '/api/v1/scopes', { id: `lt-${t}`, level: 'tenant', parentId: 'global', name: `Tenant ${t}` });
  for (let e = 0; e < events; e++) await call('POST', '/api/v1/scopes', { id: `lt-${e % TENANTS}-ev-${e}`, level: 'event', parentId: `lt-${e % TENANTS}`, name: `Event ${e}` });
  return {
    app,
    call,
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}

/** `count` values spread over the event scopes, as an export document. */
export function benchDocument(count: number, events: number, offset = 0) {
  const settings = Array.from({ length: count }, (_, i) => {
    const def = definitions[i % definitions.length];
    const e = Math.floor(i / definitions.length) % events;
    return { key: def.key, scope: `lt-${e % TENANTS}-ev-${e}`, value: valueFor(def, i + offset) };
  });
  return { version: '1.0', settings, flags: [] };
}

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await work();
  return [out, performance.now() - t0];
};

export async function benchExportImport(backend: string, adminUrl: string | undefined, rows: Row[], log: (m: string) => void) {
  const events = Math.ceil(VALUES / definitions.length);
  log(`${backend}: lifecycle — instance with ${events} event scopes …`);
  const api = await lifecycleInstance(adminUrl, events);
  try {
    const doc = benchDocument(VALUES, events);
    const [preview, previewMs] = await timed(() => api.call('POST', '/api/v1/settings/import?preview=true', doc));
    const [applied, confirmMs] = await timed(() => api.call('POST', '/api/v1/settings/import?confirm=true', { ...doc, reason: 'bench' }, { 'if-match': preview.body.etag }));
    log(`  import of ${applied.body.created} values: preview ${previewMs.toFixed(0)} ms + confirm ${confirmMs.toFixed(0)} ms`);
    rows.push(timeRow(`import preview + confirm (${VALUES.toLocaleString('en-US')} values)`, backend, TARGETS.importValues, previewMs + confirmMs, `preview ${previewMs.toFixed(0)} ms`));
    // an update of every value: the other half of an import's cost
    const changed = benchDocument(VALUES, events, 7);
    const [p2, p2Ms] = await timed(() => api.call('POST', '/api/v1/settings/import?preview=true', changed));
    const [, c2Ms] = await timed(() => api.call('POST', '/api/v1/settings/import?confirm=true', { ...changed, reason: 'bench' }, { 'if-match': p2.body.etag }));
    rows.push(timeRow(`import updating ${VALUES.toLocaleString('en-US')} values`, backend, TARGETS.importValues, p2Ms + c2Ms, `preview ${p2Ms.toFixed(0)} ms`));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [res, ms] = await timed(() => api.call('GET', '/api/v1/settings/export?scope=global&includeDescendants=true'));
      if (res.body.settings.length !== VALUES) throw new Error(`export answered ${res.body.settings.length} values, not ${VALUES}`);
      times.push(ms);
    }
    const median = times.sort((a, b) => a - b)[1];
    log(`  export of ${VALUES} values: ${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
    rows.push(timeRow(`export (${VALUES.toLocaleString('en-US')} values)`, backend, TARGETS.exportValues, median, 'median of 3'));
  } finally {
    await api.close();
  }
}

const BACKUP_VALUES = 100_000;

/** Wall time and this process's CPU time (user + system): on a shared machine the CPU time is the steadier figure. */
const cpuTimed = async <T>(work: () => Promise<T>): Promise<[T, number, number]> => {
  const c0 = process.cpuUsage();
  const [out, ms] = await timed(work);
  const c = process.cpuUsage(c0);
  return [out, ms, (c.user + c.system) / 1000];
};

/**
 * Backup + restore of 100,000 values (issue 10 "Speed": ≤ 10 s on PostgreSQL): a full backup of them, every
 * value then changed by an import, and the backup restored (preview, then confirm: the pre-restore backup
 * and 100,000 updates with their audit rows, in one transaction).
 */
export async function benchBackupRestore(backend: string, adminUrl: string | undefined, rows: Row[], log: (m: string) => void) {
  const events = Math.ceil(BACKUP_VALUES / definitions.length);
  log(`${backend}: backup + restore — instance with ${events} event scopes and ${BACKUP_VALUES.toLocaleString('en-US')} values …`);
  const api = await lifecycleInstance(adminUrl, events);
  try {
    // the values go in by SQL (the bench times backup and restore, not imports): one statement per 10,000
    const fill = async (offset: number) => {
      const doc = benchDocument(BACKUP_VALUES, events, offset);
      for (let i = 0; i < BACKUP_VALUES; i += 10_000) {
        const json = JSON.stringify(doc.settings.slice(i, i + 10_000).map((v) => ({ k: v.key, s: v.scope, v: v.value })));
        await api.app.db.execute(sql`
          insert into setting_values (key, scope_id, value, version, updated_by)
          select r.k, r.s, r.v, 1, 'bench' from jsonb_to_recordset(${json}::jsonb) as r(k text, s text, v jsonb)
          on conflict (key, scope_id) do update set value = excluded.value, version = setting_values.version + 1`);
      }
    };
    await fill(0);
    const [backup, backupMs, backupCpu] = await cpuTimed(() => api.call('POST', '/api/v1/backups', { type: 'full' }));
    if (backup.body.items < BACKUP_VALUES) throw new Error(`the backup holds ${backup.body.items} items, not ${BACKUP_VALUES}`);
    log(`  backup: ${backupMs.toFixed(0)} ms, node CPU ${backupCpu.toFixed(0)} ms (${(backup.body.size / 1e6).toFixed(1)} MB, ${(backup.body.compressedSize / 1e6).toFixed(1)} MB stored)`);
    await fill(7);
    const [preview, previewMs, previewCpu] = await cpuTimed(() => api.call('POST', '/api/v1/restore', { backupId: backup.body.id, preview: true }));
    if (preview.body.summary.toUpdate !== BACKUP_VALUES) throw new Error(`the restore preview updates ${preview.body.summary.toUpdate} values, not ${BACKUP_VALUES}`);
    const [restored, restoreMs, restoreCpu] = await cpuTimed(() => api.call('POST', '/api/v1/restore', { backupId: backup.body.id, reason: 'bench' }, { 'if-match': preview.body.etag }));
    if (restored.body.updated !== BACKUP_VALUES) throw new Error(`the restore updated ${restored.body.updated} values, not ${BACKUP_VALUES}`);
    log(`  restore: preview ${previewMs.toFixed(0)} ms (node CPU ${previewCpu.toFixed(0)} ms) + confirm ${restoreMs.toFixed(0)} ms (node CPU ${restoreCpu.toFixed(0)} ms)`);
    const n = BACKUP_VALUES.toLocaleString('en-US');
    rows.push(timeRow(`backup + restore (${n} values)`, backend, TARGETS.backupRestore, backupMs + restoreMs, `backup ${backupMs.toFixed(0)} ms, restore confirm ${restoreMs.toFixed(0)} ms (incl. pre-restore backup); node CPU ${(backupCpu + restoreCpu).toFixed(0)} ms`));
    rows.push(timeRow(`restore preview (${n} values)`, backend, { text: '—' }, previewMs));
  } finally {
    await api.close();
  }
}
