import 'server-only';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../kernel/errors';
import { defaultMigrationsDir, listMigrationFiles } from './files';

/** `settings:migrate create <name>`: a new file numbered after the last one, with up() and down() to fill in. */
export function createMigrationFile(name: string, dir: string = defaultMigrationsDir()): { version: string; file: string; path: string } {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  if (!slug) fail('INVALID_REQUEST', 'Name the migration in a few words, e.g. `create "raise default sla"`', 'name');
  const last = listMigrationFiles(dir).at(-1);
  const version = String((last ? Number(last.version) : 0) + 1).padStart(3, '0');
  const file = `${version}-${slug}.ts`;
  const full = path.join(dir, file);
  mkdirSync(dir, { recursive: true });
  writeFileSync(full, template(version, slug), { flag: 'wx' });
  return { version, file, path: full };
}

const template = (version: string, name: string) => `import type { SettingsMigration } from '@/lib/schemas/migrations';

/**
 * Settings migration ${version}: say why here. Applied by \`npm run settings:migrate -- up\` in one
 * transaction, audited with source "migration"; never edit it once applied (its checksum is recorded):
 * write a new migration instead.
 */
const migration: SettingsMigration = {
  version: '${version}',
  name: '${name}',
  description: '',

  async up(ctx) {
    // await ctx.setSetting('some.key', 42, { scope: 'global' });
    void ctx;
  },

  async down(ctx) {
    // await ctx.deleteSetting('some.key', { scope: 'global' });
    void ctx;
  },
};

export default migration;
`;
