import 'server-only';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';
import type { Executor } from '@/lib/db/client';
import { hasForbiddenKey } from '@/lib/engine/document';
import { isSecret } from '@/lib/engine/secrecy';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, ZBackupContent, type TBackupContent, type TBackupType } from '@/lib/schemas/backups';
import type { TExportedSetting } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { nextTurn } from '../kernel/turns';
import { getRegistry } from '../registry/read';
import { ruleOfRow } from '../export-import/plan-flags';
import { dumpModelConfiguration, type ModelDump } from '../models/backup';
import { eachValueOf, loadFlags, loadLevels, loadScopes, type BackupRow, type ValueDomain } from './store';

const gunzipAsync = promisify(gunzip);

/** Which values each type holds; whether it holds the scope tree, flags and definitions; and the model configuration. */
export const COVERS: Record<TBackupType, { values: ValueDomain | null; tree: boolean; models: boolean }> = {
  full: { values: 'all', tree: true, models: true },
  system: { values: 'scopes', tree: true, models: false },
  user: { values: 'users', tree: false, models: false },
  model: { values: null, tree: false, models: true },
};

/**
 * The configuration a backup of `type` holds, read through `db` (a restore's transaction for its
 * pre-restore backup). Secrets stay encrypted: re-encrypted under the ring's newest key, never plain.
 */
export async function readContent(app: App, db: Executor, type: TBackupType, note: string | null): Promise<TBackupContent> {
  const covers = COVERS[type];
  const registry = await getRegistry(app, db);
  const keys = registry.definitions.map((d) => d.key).sort();
  const content: TBackupContent = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    type,
    createdAt: new Date().toISOString(),
    note,
    registry: { keys: keys.length, fingerprint: createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16) },
    levels: [],
    scopes: [],
    settings: [],
    flags: [],
    definitions: [],
    models: null,
  };
  if (covers.values) content.settings = await valuesOf(app, db, covers.values, new Set(registry.definitions.filter(isSecret).map((d) => d.key)));
  if (covers.tree) {
    const [levels, scopes, flags] = await Promise.all([loadLevels(db), loadScopes(db), loadFlags(db)]);
    content.levels = levels;
    content.scopes = scopes;
    content.flags = flags.map((r) => ({ key: r.key, scope: r.scopeId, ...ruleOfRow(r) }));
    content.definitions = registry.definitions.filter((d) => d.source === 'ui');
  }
  if (covers.models) content.models = (await dumpModelConfiguration(app, db)) as unknown as Record<string, unknown>;
  return content;
}

/** Items serialised, or rows turned into items, between two turns of the event loop. */
const SLICE = 5_000;

async function valuesOf(app: App, db: Executor, domain: ValueDomain, secretKeys: Set<string>): Promise<TExportedSetting[]> {
  const items: TExportedSetting[] = [];
  await eachValueOf(db, domain, async (rows) => {
    for (let i = 0; i < rows.length; i++) {
      if (i > 0 && i % SLICE === 0) await nextTurn();
      const r = rows[i];
      const item: TExportedSetting = { key: r.key, scope: r.scopeId };
      items.push(item);
      if (r.locked) item.locked = true;
      if (r.skipTo) {
        item.skipTo = r.skipTo;
        continue;
      }
      // a secret row (or one whose key left the registry but still holds ciphertext) stays encrypted
      if (r.ciphertext) item.encrypted = r.keyVersion === app.secrets.keyVersion ? r.ciphertext : app.secrets.encrypt(app.secrets.decrypt(r.ciphertext));
      else if (!secretKeys.has(r.key)) item.value = r.value;
    }
  });
  return items;
}

export const itemCount = (c: TBackupContent) =>
  c.settings.length + c.flags.length + c.definitions.length + (c.models ? ['configurations', 'templates', 'access'].reduce((n, k) => n + ((c.models![k] as unknown[] | undefined)?.length ?? 0), 0) : 0);

export const modelDumpOf = (c: TBackupContent): ModelDump | null => (c.models ? (c.models as unknown as ModelDump) : null);

export interface Packed {
  /** Bytes of the UTF-8 JSON. */
  size: number;
  compressed: Buffer;
  checksum: string;
}

/**
 * The content as stored: exactly JSON.stringify(content) as UTF-8, its SHA-256 and its gzip — written a
 * slice of items at a time, hashed and compressed as it goes (zlib on its thread pool), so a million-value
 * backup neither holds the event loop for the whole serialisation (~0.6 s) nor keeps its JSON (~100 MB) in memory.
 */
export async function pack(content: TBackupContent): Promise<Packed> {
  const hash = createHash('sha256');
  const gzip = createGzip({ level: 6 });
  const compressed: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => compressed.push(chunk));
  const ended = once(gzip, 'end');
  ended.catch(() => {}); // awaited at the end, which a zlib error rejects (so does a wait for 'drain')
  let size = 0;
  const write = async (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    size += bytes.length;
    hash.update(bytes);
    if (!gzip.write(bytes)) await once(gzip, 'drain');
  };
  // JSON.stringify's own order and rules, member by member: the same bytes, so the same checksum
  await write('{');
  let first = true;
  for (const [name, value] of Object.entries(content)) {
    if (value === undefined) continue; // as JSON.stringify leaves it out
    await write(`${first ? '' : ','}${JSON.stringify(name)}:`);
    first = false;
    if (!Array.isArray(value) || value.length <= SLICE) {
      await write(JSON.stringify(value));
      continue;
    }
    for (let i = 0; i < value.length; i += SLICE) {
      const slice = JSON.stringify(value.slice(i, i + SLICE));
      await write(`${i === 0 ? '[' : ','}${slice.slice(1, -1)}`);
      await nextTurn();
    }
    await write(']');
  }
  await write('}');
  gzip.end();
  await ended;
  return { size, compressed: Buffer.concat(compressed), checksum: hash.digest('hex') };
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stored backup's content, refused (409) when it does not hash to the checksum taken when it was made. */
export async function unpack(row: BackupRow): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await gunzipAsync(row.content);
  } catch {
    fail('BACKUP_CORRUPT', `Backup "${row.id}" cannot be read: its stored content is not valid gzip (damaged in storage). Restore another backup.`, 'backupId');
  }
  const actual = sha256(bytes);
  if (actual !== row.checksum) {
    fail('BACKUP_CORRUPT', `Backup "${row.id}" does not match its checksum (stored ${row.checksum.slice(0, 12)}…, content hashes to ${actual.slice(0, 12)}…): it was altered or damaged after it was taken. Restore another backup.`, 'backupId', {
      expected: row.checksum,
      actual,
    });
  }
  return bytes;
}

/** Parses a backup's JSON (stored, or uploaded) into its content, with a message that says what is wrong. */
export function parseContent(bytes: Buffer | string, what: string): TBackupContent {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    fail('INVALID_REQUEST', `${what} is not JSON: ${(e as Error).message}`, 'file');
  }
  const bad = hasForbiddenKey(raw);
  if (bad !== null) fail('INVALID_REQUEST', `Forbidden key "${bad}" in ${what}`, bad);
  const parsed = ZBackupContent.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail('INVALID_REQUEST', `${what} is not a Switchboard backup: ${issue.path.join('.') || 'body'}: ${issue.message}`, issue.path.join('.') || 'file');
  }
  if (parsed.data.version !== BACKUP_FORMAT_VERSION) fail('INVALID_REQUEST', `${what} has backup format version "${parsed.data.version}"; this server reads "${BACKUP_FORMAT_VERSION}"`, 'version');
  return parsed.data;
}
