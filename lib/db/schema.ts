import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  customType,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { TFlagType, TFlagVariant } from '@/lib/schemas/flags';
import type { TQuota } from '@/lib/schemas/models';
import type { TMigrationOperation } from '@/lib/schemas/migrations';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** One row (id = 1) that says whether first-run setup has happened. */
export const installationState = pgTable('installation_state', {
  id: integer('id').primaryKey(),
  setupComplete: boolean('setup_complete').notNull().default(false),
  setupCompletedAt: timestamp('setup_completed_at', { withTimezone: true, mode: 'date' }),
  setupCompletedBy: text('setup_completed_by'),
  /** Fingerprint of the encryption key the secrets were written with, to refuse a wrong key early. */
  encryptionKeyCheck: text('encryption_key_check'),
  encryptionKeyVersion: integer('encryption_key_version').notNull().default(1),
});

/** Ordered levels of the scope tree: global → tenant → event, plus custom ones (seed 004 §8). */
export const hierarchyLevels = pgTable('hierarchy_levels', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  parentKey: text('parent_key'),
  position: integer('position').notNull(),
  builtin: boolean('builtin').notNull().default(false),
  createdAt: createdAt(),
});

export const scopes = pgTable(
  'scopes',
  {
    id: text('id').primaryKey(),
    level: text('level')
      .notNull()
      .references(() => hierarchyLevels.key),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('scopes_parent_idx').on(t.parentId), index('scopes_level_idx').on(t.level)],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    failedLoginAttempts: integer('failed_login_attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** When the last failed sign-in was: the failure count starts over `auth.autoResetAfterMinutes` later. */
    lastFailedLoginAt: timestamp('last_failed_login_at', { withTimezone: true, mode: 'date' }),
    /** Lockouts since the last successful sign-in; at `auth.maxLockCount` password sign-in stays locked until cleared. */
    lockCount: integer('lock_count').notNull().default(0),
    /** Bumped to end every browser session of the user at once (sessions carry the epoch they began in). */
    sessionEpoch: integer('session_epoch').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_idx').on(sql`lower(${t.email})`)],
);

export const roleAssignments = pgTable(
  'role_assignments',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    scopeId: text('scope_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role, t.scopeId] })],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

/**
 * Browser sessions signed out one by one (issue 8 item 2): the session id from the JWT, kept until the JWT
 * would have expired anyway (then the row is pruned; the token is dead by its own expiry).
 */
export const revokedSessions = pgTable(
  'revoked_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('revoked_sessions_expires_idx').on(t.expiresAt)],
);

export const settingCategories = pgTable('setting_categories', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  description: text('description').notNull().default(''),
  security: boolean('security').notNull().default(false),
  position: integer('position').notNull().default(0),
});

export const settingDefinitions = pgTable(
  'setting_definitions',
  {
    key: text('key').primaryKey(),
    label: text('label').notNull(),
    description: text('description').notNull().default(''),
    category: text('category').notNull(),
    group: text('group_name'),
    type: text('type').notNull(),
    defaultValue: jsonb('default_value'),
    validation: jsonb('validation'),
    ui: jsonb('ui'),
    allowedLevels: jsonb('allowed_levels').$type<string[]>().notNull(),
    isSecret: boolean('is_secret').notNull().default(false),
    requiresRestart: boolean('requires_restart').notNull().default(false),
    readonly: boolean('readonly').notNull().default(false),
    overrideBehavior: text('override_behavior').notNull().default('inherit'),
    dependsOn: jsonb('depends_on').$type<string[]>(),
    source: text('source').notNull(),
    position: integer('position').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('setting_definitions_category_idx').on(t.category, t.position)],
);

/** A value stored at one scope ('global', a scope id, or 'user:<id>') for one key. */
export const settingValues = pgTable(
  'setting_values',
  {
    key: text('key').notNull(),
    scopeId: text('scope_id').notNull(),
    /** Plain JSON value; null for secrets (see ciphertext) and skip markers. */
    value: jsonb('value'),
    /** AES-256-GCM ciphertext of secret values. */
    ciphertext: text('ciphertext'),
    keyVersion: integer('key_version'),
    locked: boolean('locked').notNull().default(false),
    /** allowSkipLevel: inherit from this ancestor level instead of the nearest one. */
    skipTo: text('skip_to'),
    version: integer('version').notNull().default(1),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.key, t.scopeId] }), index('setting_values_scope_key_idx').on(t.scopeId, t.key)],
);

/** A feature flag row at one scope; a scope's own row wins over its ancestors' (API.md "Feature flags"). */
export const featureFlags = pgTable(
  'feature_flags',
  {
    key: text('key').notNull(),
    scopeId: text('scope_id').notNull(),
    enabled: boolean('enabled').notNull().default(false),
    description: text('description').notNull().default(''),
    flagType: text('flag_type').$type<TFlagType>().notNull().default('boolean'),
    rolloutPercentage: integer('rollout_percentage'),
    enabledForRoles: jsonb('enabled_for_roles').$type<string[]>().notNull().default([]),
    enabledForUsers: jsonb('enabled_for_users').$type<string[]>().notNull().default([]),
    dependsOnFlag: text('depends_on_flag'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    variants: jsonb('variants').$type<TFlagVariant[]>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by'),
    /** Recorded from memory at most once a minute, for a stale-flags view. */
    lastEvaluatedAt: timestamp('last_evaluated_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.key, t.scopeId] }), index('feature_flags_scope_idx').on(t.scopeId), index('feature_flags_expires_idx').on(t.expiresAt)],
);

/**
 * Append-only, hash-chained record of every change. Triggers refuse UPDATE and DELETE (migration 0001)
 * and chain each new row (migration 0003): under one lock the database assigns the id and sets
 * prev_hash = the last row's hash, hash = sha256(prev_hash || "\n" || body_hash), where the app computes
 * body_hash = sha256(canonical JSON of the entry).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    key: text('key'),
    scopeId: text('scope_id'),
    level: text('level'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    /** Encrypted new value of a secret, so rollback works without plaintext in the log. */
    newCiphertext: text('new_ciphertext'),
    reason: text('reason'),
    source: text('source').notNull(),
    ip: text('ip'),
    /** Version of the value after this change (values only). */
    version: integer('version'),
    details: jsonb('details'),
    /** The change set this entry belongs to: every entry written by one request (a PUT, a bulk, an import …) shares one. */
    changeSetId: text('change_set_id'),
    bodyHash: text('body_hash'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** Which ring key the chain link was keyed with (HMAC); null on links from before keyed chaining. */
    chainKeyId: text('chain_key_id'),
    /** Write-only: the HMAC key pads the audit_log_chain trigger links with, then clears. Never stored. */
    macKey: text('mac_key'),
  },
  (t) => [
    index('audit_key_scope_idx').on(t.key, t.scopeId, t.at),
    index('audit_at_idx').on(t.at),
    index('audit_change_set_idx').on(t.changeSetId),
  ],
);

/**
 * What one scope stores for one AI model provider (seed 000 ModelConfiguration). Null fields are not set
 * here and resolve from an ancestor; `quota` is this scope's own (it is never inherited: each scope's
 * quota counts its whole subtree).
 */
export const modelConfigurations = pgTable(
  'model_configurations',
  {
    provider: text('provider').notNull(),
    scopeId: text('scope_id').notNull(),
    model: text('model'),
    preset: text('preset'),
    parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').$type<'active' | 'inactive'>(),
    quota: jsonb('quota').$type<TQuota>(),
    /** AES-256-GCM ciphertext of the API key (the app's secret box). */
    apiKeyCiphertext: text('api_key_ciphertext'),
    keyVersion: integer('key_version'),
    baseUrl: text('base_url'),
    locked: boolean('locked').notNull().default(false),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.provider, t.scopeId] }), index('model_configurations_scope_idx').on(t.scopeId), index('model_configurations_preset_idx').on(t.preset)],
);

/** Named parameter sets for one provider ("precise", "creative"): seed 000's parameter templates. */
export const modelTemplates = pgTable('model_templates', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  provider: text('provider').notNull(),
  description: text('description').notNull().default(''),
  parameters: jsonb('parameters').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  updatedBy: text('updated_by'),
});

/** A scope's restriction to some providers; a scope below may narrow it further, never widen it. */
export const modelAccess = pgTable('model_access', {
  scopeId: text('scope_id').primaryKey(),
  allowedProviders: jsonb('allowed_providers').$type<string[]>().notNull(),
  version: integer('version').notNull().default(1),
  updatedAt: updatedAt(),
  updatedBy: text('updated_by'),
});

/**
 * Metered usage: one counter row per provider, scope and calendar window (a day or a month, starting at
 * midnight in the time zone of that scope's quota). A usage adds to the rows of its scope and of every
 * ancestor in one statement, which locks them in key order and refuses to pass a hard limit.
 */
export const modelUsage = pgTable(
  'model_usage',
  {
    provider: text('provider').notNull(),
    scopeId: text('scope_id').notNull(),
    period: text('period').$type<'daily' | 'monthly'>().notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    /** The local calendar day (daily) or month's first day (monthly), for history. */
    day: text('day').notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
    tokens: bigint('tokens', { mode: 'number' }).notNull().default(0),
    /** Cost in millionths of the currency unit, so sums stay exact. */
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.scopeId, t.period, t.windowStart] }), index('model_usage_scope_day_idx').on(t.scopeId, t.period, t.day)],
);

/**
 * Metering allowances (issue 12's speed): a share of a limited counter's headroom one instance holds — reserved,
 * not spent. The instance admits usages against it in memory and settles what it spent into `model_usage`
 * every few milliseconds, renewing `expires_at`. Every decision under a hard limit counts these rows as taken,
 * so the sum of counters and allowances never passes a limit; a row whose instance died (expired) is charged
 * to the counter in full, so a crash can overcount by at most one allowance, never overspend.
 */
export const modelUsageAllowances = pgTable(
  'model_usage_allowances',
  {
    provider: text('provider').notNull(),
    scopeId: text('scope_id').notNull(),
    period: text('period').$type<'daily' | 'monthly'>().notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    instance: text('instance').notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
    tokens: bigint('tokens', { mode: 'number' }).notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.scopeId, t.period, t.windowStart, t.instance] })],
);

// ── issue 10: backups ──
/** Bytes: the backup's gzip-compressed content (PGlite and PostgreSQL alike, so the embedded default needs no other storage). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => v,
  fromDriver: (v) => Buffer.from(v),
});

/**
 * A configuration backup (API.md "Export, import, backups, versions"): its JSON content gzip-compressed,
 * with the SHA-256 of the uncompressed content, checked before every download and restore.
 */
export const backups = pgTable(
  'backups',
  {
    id: text('id').primaryKey(),
    type: text('type').$type<'full' | 'system' | 'user' | 'model'>().notNull(),
    /** manual (POST /backups), scheduled, pre-restore (taken by a restore), upload (a file brought from elsewhere) */
    origin: text('origin').$type<'manual' | 'scheduled' | 'pre-restore' | 'upload'>().notNull(),
    note: text('note'),
    createdAt: createdAt(),
    createdBy: text('created_by'),
    /** Bytes of the uncompressed content (what a download answers). */
    size: integer('size').notNull(),
    compressedSize: integer('compressed_size').notNull(),
    checksum: text('checksum').notNull(),
    /** Values, flag rows, definitions and model rows in it. */
    items: integer('items').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [index('backups_created_idx').on(t.createdAt), index('backups_origin_idx').on(t.origin, t.createdAt)],
);

// ── issue 10: settings migrations and drift ──
/**
 * Settings migrations (seed 003 §3.5, §5.4): one row per migration file that ran. `checksum` is the
 * SHA-256 of the file, so a file changed after it was applied is refused; `operations` are what its up()
 * set, which drift detection expects to find still in place.
 */
export const settingsMigrations = pgTable('settings_migrations', {
  version: text('version').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  checksum: text('checksum').notNull(),
  status: text('status').$type<'applied' | 'rolled_back' | 'failed'>().notNull(),
  operations: jsonb('operations').$type<TMigrationOperation[]>().notNull().default([]),
  appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }),
  appliedBy: text('applied_by'),
  rolledBackAt: timestamp('rolled_back_at', { withTimezone: true, mode: 'date' }),
  error: text('error'),
  updatedAt: updatedAt(),
});

/** Drift reports (seed 003 §5.5) the daily job (or an operator) recorded; the dashboard shows the last. */
export const driftReports = pgTable(
  'drift_reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull(),
    scopeId: text('scope_id').notNull(),
    trigger: text('trigger').$type<'schedule' | 'cli'>().notNull(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('drift_reports_checked_idx').on(t.checkedAt)],
);
