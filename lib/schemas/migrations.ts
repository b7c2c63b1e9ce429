import { z } from 'zod';
import { ZScopeId, ZSettingKey } from './common';
import { ZDiffSummary, ZChange } from './export-import';

/**
 * Settings migrations (seed 003 §5.4): version-controlled configuration changes, one TypeScript file per
 * migration in the deploying project's `migrations/settings/` folder, applied by `npm run settings:migrate`.
 */

/** Versions sort numerically ("002" before "010"); the file name starts with it: `002-raise-sla.ts`. */
export const MIGRATION_VERSION_PATTERN = /^[0-9]{1,12}$/;
export const MIGRATION_FILE_PATTERN = /^([0-9]{1,12})-([a-z0-9][a-z0-9-]{0,79})\.ts$/;

export const ZMigrationOperation = z.object({
  action: z.enum(['set', 'delete']),
  key: ZSettingKey,
  scope: ZScopeId,
  value: z.unknown().optional(),
  lock: z.boolean().optional(),
});
export type TMigrationOperation = z.infer<typeof ZMigrationOperation>;

/** Where a migration writes: `scope` defaults to global; `lock` forbids overrides below it. */
export const ZMigrationWriteOptions = z.strictObject({ scope: ZScopeId.default('global'), lock: z.boolean().optional(), reason: z.string().max(1000).optional() });
export type TMigrationWriteOptions = z.input<typeof ZMigrationWriteOptions>;

/** What a migration's up() and down() may do; every write is checked like an import (registry, validation, locks). */
export interface MigrationContext {
  /** Sets `key` at `scope` (default global). */
  setSetting(key: string, value: unknown, options?: TMigrationWriteOptions): Promise<void>;
  /** Removes the value stored at `scope`, so it inherits again. */
  deleteSetting(key: string, options?: Pick<TMigrationWriteOptions, 'scope'>): Promise<void>;
  /** The value stored at `scope` (after this migration's own earlier writes), or null when none is; secrets read as "********". */
  getSetting(key: string, options?: Pick<TMigrationWriteOptions, 'scope'>): Promise<unknown>;
}

const ZStep = z.custom<(ctx: MigrationContext) => Promise<void> | void>((v) => typeof v === 'function', 'must be a function (ctx) => Promise<void>');

/** A migration file's default export. */
export const ZSettingsMigration = z.object({
  version: z.string().regex(MIGRATION_VERSION_PATTERN, 'must be digits, e.g. "003"'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  up: ZStep,
  down: ZStep,
});
export type SettingsMigration = z.input<typeof ZSettingsMigration>;

export const ZMigrationStatus = z.enum(['applied', 'pending', 'failed', 'rolled_back']);

export const ZMigrationItem = z.object({
  version: z.string(),
  name: z.string(),
  description: z.string(),
  status: ZMigrationStatus.describe('rolled_back and failed ones are pending again: `up` applies them'),
  file: z.string().nullable().describe('the file name; null when an applied migration has no file any more'),
  checksum: z.string().nullable().describe("SHA-256 of the file as it is now (null when it is missing)"),
  appliedChecksum: z.string().nullable().describe('SHA-256 of the file when it was applied (or failed)'),
  modified: z.boolean().describe('applied, and the file changed or disappeared since: `up` and `verify` refuse'),
  appliedAt: z.string().nullable(),
  appliedBy: z.string().nullable(),
  rolledBackAt: z.string().nullable(),
  error: z.string().nullable(),
  operations: z.array(ZMigrationOperation).describe('what up() set (applied ones)'),
});
export type TMigrationItem = z.infer<typeof ZMigrationItem>;

export const ZMigrationList = z.object({
  directory: z.string(),
  migrations: z.array(ZMigrationItem),
  applied: z.array(z.string()),
  pending: z.array(z.string()),
  failed: z.array(z.string()),
  modified: z.array(z.string()),
});
export type TMigrationList = z.infer<typeof ZMigrationList>;

/** What `settings:migrate up` did: applied versions in order, the first failure (which stops the run), or with --dry-run each diff. */
export const ZMigrateUpResult = z.object({
  applied: z.array(z.string()),
  failed: z.object({ version: z.string(), error: z.string() }).nullable(),
  dryRun: z
    .array(z.object({ version: z.string(), name: z.string(), operations: z.array(ZMigrationOperation), changes: z.array(ZChange), summary: ZDiffSummary }))
    .nullable()
    .describe('each pending migration\'s diff against the configuration as it is now (later ones do not see earlier ones applied)'),
});
export type TMigrateUpResult = z.infer<typeof ZMigrateUpResult>;
