import 'server-only';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEnv } from '@/lib/env';
import { MIGRATION_FILE_PATTERN, ZSettingsMigration } from '@/lib/schemas/migrations';
import { fail } from '../kernel/errors';

/** The migration files of a folder: `<version>-<name>.ts`, read and hashed, never imported until run. */

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  path: string;
  checksum: string;
}

export type LoadedMigration = MigrationFile & ReturnType<typeof ZSettingsMigration.parse>;

/** SETTINGS_MIGRATIONS_DIR, or ./migrations/settings of the deploying project. */
export const defaultMigrationsDir = () => readEnv().settingsMigrationsDir;

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export const byVersion = (a: { version: string }, b: { version: string }) => Number(a.version) - Number(b.version) || a.version.localeCompare(b.version);

/** Every migration file, by version; a folder that does not exist has none. Two files of one version are refused. */
export function listMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  const files: MigrationFile[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.test.ts') || file.endsWith('.d.ts') || !file.endsWith('.ts')) continue;
    const m = MIGRATION_FILE_PATTERN.exec(file);
    if (!m) fail('INVALID_REQUEST', `${path.join(dir, file)}: a settings migration file is named <version>-<name>.ts, e.g. 003-raise-default-sla.ts`, 'file');
    const full = path.join(dir, file);
    files.push({ version: m[1], name: m[2], file, path: full, checksum: sha256(readFileSync(full)) });
  }
  const seen = new Map<number, string>();
  for (const f of files) {
    const other = seen.get(Number(f.version));
    if (other) fail('INVALID_REQUEST', `${other} and ${f.file} have the same version ${f.version}: renumber one of them`, 'file');
    seen.set(Number(f.version), f.file);
  }
  return files.sort(byVersion);
}

/** Imports a migration file (the CLI runs under tsx) and checks its default export. */
export async function loadMigration(f: MigrationFile): Promise<LoadedMigration> {
  let mod: { default?: unknown };
  try {
    // the checksum in the URL: a file fixed after a failed run is imported afresh, not from the module cache
    mod = await import(/* webpackIgnore: true */ `${pathToFileURL(f.path).href}?sha256=${f.checksum}`);
  } catch (e) {
    fail('INVALID_REQUEST', `${f.file} does not load: ${(e as Error).message}`, 'file');
  }
  const parsed = ZSettingsMigration.safeParse(mod.default);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail('INVALID_REQUEST', `${f.file}: its default export must be { version, name, description, up(ctx), down(ctx) }; ${issue.path.join('.') || 'export'} ${issue.message}`, 'file');
  }
  if (Number(parsed.data.version) !== Number(f.version)) {
    fail('INVALID_REQUEST', `${f.file} says version "${parsed.data.version}", but its file name says ${f.version}: make them agree`, 'file');
  }
  return { ...f, ...parsed.data };
}
