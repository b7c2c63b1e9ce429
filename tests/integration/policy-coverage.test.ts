import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as policy from '@/lib/auth/policy';
import type { Principal } from '@/lib/auth/policy';
import type { ChangeContext } from '@/lib/services/audit/types';
import type { App } from '@/lib/services/kernel/app';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, WORLD, type Person } from './support';

/**
 * Authorization lives in lib/auth/policy.ts only. This test lists EVERY exported function of every
 * service module (lib/services/<feature>/*.ts, except store.ts and the kernel) and:
 * - calls each one that takes a `principal` with a low-rights caller and fails unless `can` was consulted;
 * - fails on an export without a `principal` unless NO_PRINCIPAL names it with the reason it needs none.
 * A new entry point therefore cannot forget the policy: it is either called here (and must ask `can`) or
 * listed with its reason for review.
 */

vi.mock('@/lib/auth/policy', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/auth/policy')>();
  return { ...actual, can: vi.fn(actual.can) };
});

const SERVICES = path.resolve(__dirname, '../../lib/services');

const INTERNAL = 'internal step: only called by an entry point that already asked the policy';
const PUBLIC_REGISTRY = 'the registry (definitions, categories, catalogs) is readable by every signed-in caller (API.md)';
const AUTHENTICATION = 'authentication: runs before there is a principal';
const SETUP = 'first-run setup: public until the first admin exists';
const OPERATOR = 'operator command: run on the server by whoever holds the key ring (npm run secrets:rotate); no HTTP route reaches it';

/** Exports that take no principal, with the reason they need none. */
const NO_PRINCIPAL: Record<string, string> = {
  'audit/append.appendAudit': INTERNAL,
  'audit/append.auditBody': INTERNAL,
  'audit/chain.canonicalJson': INTERNAL,
  'audit/chain.canonicalWriter': INTERNAL,
  'audit/chain.bodyHash': INTERNAL,
  'audit/chain.chainHash': INTERNAL,
  'audit/chain.toAuditEntry': INTERNAL,
  'audit/export.auditCsv': INTERNAL,
  'audit/query.queryAudit': INTERNAL,
  'audit/query.verifyAuditChain': INTERNAL,
  'export-import/export.exportFilename': INTERNAL,
  'export-import/paths.allPaths': INTERNAL,
  'export-import/paths.toStored': INTERNAL,
  'export-import/plan-flags.ruleOfRow': INTERNAL,
  'export-import/plan-etag.diffEtag': INTERNAL,
  'documents/document.documentOf': INTERNAL,
  'documents/document.defsAt': INTERNAL,
  'documents/document.projectPath': INTERNAL,
  'documents/document.writesFrom': INTERNAL,
  'documents/document.stamp': INTERNAL,
  'flags/catalog.loadCatalogFlags': INTERNAL,
  'flags/read.flagKeyCount': INTERNAL,
  'flags/rules.ruleOf': INTERNAL,
  'flags/rules.ruleChanges': INTERNAL,
  'flags/rules.toFlag': INTERNAL,
  'flags/rules.auditedFlag': INTERNAL,
  'flags/rules.checkRule': INTERNAL,
  'flags/rules.checkVersion': INTERNAL,
  'flags/table.cachedTable': INTERNAL,
  'flags/table.noteEvaluated': INTERNAL,
  'flags/table.flushEvaluated': 'housekeeping: writes last_evaluated_at, not a change anyone asks for',
  'identity/principal.loadPrincipal': AUTHENTICATION,
  'identity/principal.authenticateToken': AUTHENTICATION,
  'identity/reach.toUser': INTERNAL,
  'identity/reach.within': INTERNAL,
  'identity/reach.visibleRoles': INTERNAL,
  'identity/reach.auditScope': INTERNAL,
  'identity/sessions.authSettings': AUTHENTICATION,
  'identity/sessions.sessionPrincipal': AUTHENTICATION,
  'identity/sessions.principalOfSession': AUTHENTICATION,
  'identity/sessions.endSessions': INTERNAL,
  'identity/sessions.clearLockout': INTERNAL,
  'identity/sign-in.signInWithPassword': AUTHENTICATION,
  'identity/sign-in.isLocked': AUTHENTICATION,
  'identity/sign-in.actorOf': INTERNAL,
  'identity/oidc.signInWithOidc': AUTHENTICATION,
  'throttle/index.throttles': AUTHENTICATION,
  'throttle/index.setRateLimits': 'configuration of this process (tests, operators)',
  'throttle/index.takeApiByIp': AUTHENTICATION,
  'throttle/index.takeApiByPrincipal': 'throttling: counts requests, decides nothing about rights',
  'throttle/index.forgetSignInFailures': INTERNAL,
  'throttle/limiter.TokenBuckets': INTERNAL,
  'throttle/limiter.FailureBackoff': INTERNAL,
  'identity/token-secret.hashToken': AUTHENTICATION,
  'flags/fingerprint.factsOf': INTERNAL,
  'flags/fingerprint.expiredCount': INTERNAL,
  'flags/fingerprint.keysOnPath': INTERNAL,
  'keys/rotate.rotateSecrets': OPERATOR,
  'identity/token-secret.newTokenSecret': INTERNAL,
  'identity/tokens.insertToken': INTERNAL,
  'identity/write.insertFirstAdmin': SETUP,
  'models/backup.dumpModelConfiguration': 'the seam for backups of type model (issue 10): POST /backups authorizes before calling it',
  'models/backup.restoreModelConfiguration': 'the seam for backups of type model (issue 10): POST /restore authorizes before calling it',
  'models/backup.checkModelDump': INTERNAL,
  'models/backup.replaceModelConfiguration': 'the seam for backups of type model (issue 10): POST /restore authorizes before calling it',
  // ── issue 10: backups ──
  'backups/content.readContent': INTERNAL,
  'backups/content.itemCount': INTERNAL,
  'backups/content.modelDumpOf': INTERNAL,
  'backups/content.pack': INTERNAL,
  'backups/content.sha256': INTERNAL,
  'backups/content.unpack': INTERNAL,
  'backups/content.parseContent': INTERNAL,
  'backups/create.toBackup': INTERNAL,
  'backups/create.takeBackup': INTERNAL,
  'backups/schedule.backupPolicy': 'reads the backup.* keys at global for the in-process job; answers no caller',
  'backups/schedule.runScheduledBackups': 'the automated backup job (server.ts timer): acts as the system, no caller',
  'backups/schedule.startBackupScheduler': 'the automated backup job (server.ts timer): acts as the system, no caller',
  'models/events.onModelEvent': INTERNAL,
  'models/events.emitModelEvents': INTERNAL,
  'models/quotas.inMicros': INTERNAL,
  'models/quotas.counterAmounts': INTERNAL,
  'models/quotas.displayAmounts': INTERNAL,
  'models/quotas.counterTargets': INTERNAL,
  'models/read.resolveAt': INTERNAL,
  'models/read.allowedAt': INTERNAL,
  'models/read.toModelConfig': INTERNAL,
  'models/state.modelState': INTERNAL,
  'models/state.providerOr404': INTERNAL,
  'models/state.stateMemo': INTERNAL,
  'models/state.toStored': INTERNAL,
  'models/state.storedMap': INTERNAL,
  'models/state.presetMap': INTERNAL,
  'models/state.quotaOf': INTERNAL,
  'models/state.auditKey': INTERNAL,
  'models/templates.slugOf': INTERNAL,
  'models/usage.usableConfig': INTERNAL,
  'models/meter.meter': INTERNAL,
  'models/meter.flushMetering': INTERNAL,
  'models/meter.unsettledHere': INTERNAL,
  'models/meter.stopMetering': 'shutdown (App.close): settles this instance\'s metering; answers no caller',
  'models/slots.keyOf': INTERNAL,
  'models/slots.isZero': INTERNAL,
  'models/slots.plus': INTERNAL,
  'models/slots.freeze': INTERNAL,
  'models/slots.newSlot': INTERNAL,
  'models/sync.syncOnce': INTERNAL,
  'preferences/keys.preferenceDefs': INTERNAL,
  'preferences/keys.preference': INTERNAL,
  'preferences/keys.ownScope': INTERNAL,
  'registry/catalogs.listCatalogs': PUBLIC_REGISTRY,
  'registry/check.checkDefinition': INTERNAL,
  'registry/check.parseDefinition': INTERNAL,
  'registry/rows.rowToDefinition': INTERNAL,
  'registry/rows.definitionToRow': INTERNAL,
  'registry/read.getRegistry': PUBLIC_REGISTRY,
  'registry/read.getDefinition': PUBLIC_REGISTRY,
  'registry/read.listDefinitions': PUBLIC_REGISTRY,
  'registry/read.listCategories': PUBLIC_REGISTRY,
  'scopes/path.getLevels': 'the hierarchy levels are readable by every signed-in caller (API.md)',
  // issue 11: live changes and maintenance mode
  'maintenance/state.maintenanceState': 'maintenance mode and its message are shown to every caller (the banner, 503 answers)',
  'maintenance/state.isMaintenanceKey': INTERNAL,
  'stream/hub.Hub': 'the fan-out of changes: every subscriber filters what it sends through stream/values.eventData',
  'stream/hub.hubOf': INTERNAL,
  'stream/hub.isEventId': INTERNAL,
  'stream/subscribe.createStream': INTERNAL,
  'stream/ofrep.openOfrepStream': 'authenticates by its ticket (issued by issueOfrepTicket after the policy) and filters like every stream',
  'flags/table.flagConfig': INTERNAL,
  'flags/table.revalidateTable': 'reloads the in-process flag table; decides nothing about rights',
  'identity/principal.principalOfTokenId': AUTHENTICATION,
  'identity/principal.authenticateTokenHash': AUTHENTICATION,
  'scopes/path.scopePath': INTERNAL,
  'scopes/path.loadPathWithValues': INTERNAL,
  'scopes/path.pathIds': INTERNAL,
  'scopes/read.toScope': INTERNAL,
  'scopes/read.subtreeIds': INTERNAL,
  'scopes/read.listTenants': INTERNAL,
  'scopes/write.insertLevel': INTERNAL,
  'settings/checks.targetScopeId': INTERNAL,
  'settings/checks.writeTarget': INTERNAL,
  'settings/checks.checkWrite': INTERNAL,
  'settings/checks.checkCrossField': INTERNAL,
  'settings/resolve.resolveInternal': INTERNAL,
  'settings/resolve.resolveMany': INTERNAL,
  'settings/resolve.resolveOne': INTERNAL,
  'settings/resolve.resolveEach': INTERNAL,
  'settings/resolve.resolveAt': INTERNAL,
  'settings/resolve.storedKeysAt': INTERNAL,
  'settings/write.writeAnswer': INTERNAL,
  'identity/sessions.signOutSession': 'next-auth hands over the session token being signed out: holding it is the proof, and only that session ends',
  'setup/bootstrap.bootstrap': SETUP,
  'setup/status.isSetupComplete': SETUP,
  'setup/status.setupStatus': SETUP,
  // issue 10: settings migrations and drift
  'migrations/files.defaultMigrationsDir': INTERNAL,
  'migrations/files.sha256': INTERNAL,
  'migrations/files.byVersion': INTERNAL,
  'migrations/files.listMigrationFiles': INTERNAL,
  'migrations/files.loadMigration': INTERNAL,
  'migrations/record.recordSteps': INTERNAL,
  'migrations/status.migrationItems': INTERNAL,
  'migrations/status.summarizeMigrations': INTERNAL,
  'migrations/status.refuseModified': INTERNAL,
  'migrations/create.createMigrationFile': 'operator command: writes a file in the project folder (npm run settings:migrate -- create); no HTTP route reaches it, no database',
  'drift/detect.toReport': INTERNAL,
  'drift/schedule.runDueDriftCheck': "the server's own daily job (and the operator CLI): reads as the system principal, which the policy grants drift.read",
  'drift/schedule.startDriftSchedule': "the server's own daily job, started by server.ts",
};

/** Entry points that take a principal but act on the caller's own account only: nothing to decide. */
const SELF_ONLY: Record<string, string> = {
  'identity/read.getMe': 'the caller reads their own account',
  'identity/sessions.signOutEverywhere': "the caller ends their own sessions",
  'identity/password.confirmPassword': "the caller re-enters their own password",
};

interface World {
  app: App;
  low: Principal;
  other: Person;
  adminTokenId: string;
}

const ctx: ChangeContext = { actor: { id: null, name: 'policy test', role: null }, source: 'api', ip: null };
const page = { limit: 10, offset: 0 };
const op = { kind: 'set' as const, key: 'auth.maxLoginAttempts', scope: 'tenant-b', value: 6 };

/** A bulk target state the lifecycle entry points (import, promote, restore …) are called with. */
const lifecycleTarget = { settings: [{ key: 'auth.maxLoginAttempts', scope: 'tenant-b', value: 6 }], values: [{ key: 'auth.maxLoginAttempts', scope: 'tenant-b', value: 6 }] };

/** How to call each entry point that takes a principal (arguments that get past "not found" to the policy). */
const CALLS: Record<string, (w: World, fn: (...args: never[]) => unknown) => unknown> = {
  'audit/export.exportAudit': (w, f) => f(...args(w.app, w.low, { format: 'json' })),
  'audit/read.authorizedQuery': (w, f) => f(...args(w.app, w.low, {})),
  'audit/read.listAudit': (w, f) => f(...args(w.app, w.low, page)),
  'audit/read.visibleEntries': (w, f) => f(...args(w.app, w.low, [])),
  'audit/read.verifyAudit': (w, f) => f(...args(w.app, w.low)),
  'compare/compare.compareScopes': (w, f) => f(...args(w.app, w.low, { left: 'tenant-b', right: 'tenant-a' })),
  'compare/promote.promote': (w, f) => f(...args(w.app, w.low, { from: 'tenant-b', to: 'tenant-a', keys: ['auth.maxLoginAttempts'], flags: [] }, { confirm: false }, ctx)),
  'export-import/apply.previewOrApply': (w, f) => f(...args(w.app, w.low, async () => lifecycleTarget, { confirm: false, source: 'import', change: ctx })),
  'export-import/export.exportConfiguration': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b', includeDescendants: false, includeSecrets: false })),
  'export-import/import.importConfiguration': (w, f) => f(...args(w.app, w.low, { version: '1.0', ...lifecycleTarget, flags: [], definitions: [] }, { confirm: false }, ctx)),
  'export-import/plan.computePlan': (w, f) => f(...args(w.app, w.low, w.app.db, lifecycleTarget)),
  'export-import/plan-definitions.planDefinitions': async (w, f) =>
    f(...args(w.app, w.low, w.app.db, await (await import('@/lib/services/registry/read')).getRegistry(w.app), [{ key: 'x.z', label: 'X', description: '', category: 'x', type: 'string', defaultValue: '', allowedLevels: ['global'], isSecret: false, requiresRestart: false, readonly: false, overrideBehavior: 'inherit', source: 'ui' }])),
  'export-import/plan-flags.planFlags': async (w, f) =>
    f(...args(w.low, w.app.db, await (await import('@/lib/services/export-import/paths')).allPaths(w.app.db), [{ key: 'feature.x', scope: 'tenant-b', rule: { enabled: true, dependsOnFlag: null, variants: null } }], [])),
  'versions/read.visibleScopes': (w, f) => f(...args(w.app, w.low)),
  // ── issue 10: backups ──
  'backups/create.authorizeBackups': (w, f) => f(...args(w.low, 'backups.write')),
  'backups/create.createBackup': (w, f) => f(...args(w.app, w.low, { type: 'full' }, ctx)),
  'backups/create.uploadBackup': (w, f) => f(...args(w.app, w.low, Buffer.from('{}'), undefined, ctx)),
  'backups/read.listBackups': (w, f) => f(...args(w.app, w.low, page)),
  'backups/read.downloadBackup': (w, f) => f(...args(w.app, w.low, 'bk_nothing')),
  'backups/read.deleteBackup': (w, f) => f(...args(w.app, w.low, 'bk_nothing', ctx)),
  'backups/restore.restoreBackup': (w, f) => f(...args(w.app, w.low, { backupId: 'bk_nothing', preview: true }, undefined, ctx)),
  'versions/read.listVersions': (w, f) => f(...args(w.app, w.low, page)),
  'versions/read.getVersion': (w, f) => f(...args(w.app, w.low, 'cs_x')),
  'versions/revert.revertVersion': (w, f) => f(...args(w.app, w.low, 'cs_x', { force: false }, { confirm: false }, ctx)),
  'documents/read.getSystemDocument': (w, f) => f(...args(w.app, w.low)),
  'documents/read.getProjectDocument': (w, f) => f(...args(w.app, w.low, 'proj-1')),
  'documents/read.getUserDocument': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'documents/write.putSystemDocument': (w, f) => f(...args(w.app, w.low, { auth: { maxLoginAttempts: 6 } }, 'why', ctx)),
  'documents/write.putProjectDocument': (w, f) => f(...args(w.app, w.low, 'proj-1', { proj: { limit: 3 } }, 'why', ctx)),
  'documents/write.putUserDocument': (w, f) => f(...args(w.app, w.low, {}, { ui: { theme: 'dark' } }, ctx)),
  'documents/write.resetUserDocument': (w, f) => f(...args(w.app, w.low, {}, ctx)),
  'flags/evaluate.evaluateOne': (w, f) => f(...args(w.app, w.low, 'feature.x', { scope: 'tenant-b' })),
  'flags/evaluate.flagEvaluator': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  // issue 11: the SDK's snapshot
  'sdk/snapshot.sdkSnapshot': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'flags/read.flagMatrix': (w, f) => f(...args(w.app, w.low)),
  'flags/read.getFlag': (w, f) => f(...args(w.app, w.low, 'feature.x', {})),
  'flags/read.listFlags': (w, f) => f(...args(w.app, w.low, page)),
  'flags/write.createFlag': (w, f) => f(...args(w.app, w.low, { key: 'feature.y', scope: 'global', enabled: false, description: '', flagType: 'boolean' }, ctx)),
  'flags/write.updateFlag': (w, f) => f(...args(w.app, w.low, 'feature.x', { scope: 'global' }, ctx)),
  'flags/write.deleteFlag': (w, f) => f(...args(w.app, w.low, 'feature.x', { scope: 'global' }, ctx)),
  'identity/reach.checkGrants': (w, f) => f(...args(w.app, w.low, [{ role: 'member', scopeId: 'tenant-b' }])),
  'identity/reach.userReach': (w, f) => f(...args(w.app, w.low, 'users.read')),
  'identity/read.getUser': (w, f) => f(...args(w.app, w.low, w.other.id)),
  'identity/read.listUsers': (w, f) => f(...args(w.app, w.low, page)),
  'identity/tokens.issueToken': (w, f) => f(...args(w.app, w.low, { name: 't', userId: w.other.id }, ctx)),
  'identity/tokens.listTokens': (w, f) => f(...args(w.app, w.low, { userId: w.other.id, ...page })),
  'identity/tokens.revokeToken': (w, f) => f(...args(w.app, w.low, w.adminTokenId, ctx)),
  'scopes/path.refuseAt': (w, f) => f(...args(w.low, ['tenant-b', 'global'], 'refused')),
  'identity/tokens.renewToken': (w, f) => f(...args(w.app, w.low, w.adminTokenId, ctx)),
  'identity/write.createUser': (w, f) => f(...args(w.app, w.low, { email: 'n@example.com', name: 'N', password: 'a long enough password', roles: [{ role: 'member', scopeId: 'tenant-b' }] }, ctx)),
  'identity/write.updateUser': (w, f) => f(...args(w.app, w.low, w.other.id, { name: 'Renamed' }, ctx)),
  'models/check.checkModel': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'tenant-b' })),
  'models/quotas.listQuotas': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'models/read.authorizedPath': (w, f) => f(...args(w.app, w.low, 'tenant-b', 'models.read')),
  'models/read.mayLimit': (w, f) => f(...args(w.low, [{ scopeId: 'event-b1', level: 'event' }, { scopeId: 'tenant-b', level: 'tenant' }, { scopeId: 'global', level: 'global' }])),
  'models/read.listModels': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'models/read.getModel': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'tenant-b' })),
  'models/read.revealModelKey': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'global', password: 'x' }, ctx)),
  'models/templates.listTemplates': (w, f) => f(...args(w.app, w.low, {})),
  'models/templates.createTemplate': (w, f) => f(...args(w.app, w.low, { name: 'X', provider: 'openai', description: '', parameters: {} }, ctx)),
  'models/templates.changeTemplate': (w, f) => f(...args(w.app, w.low, 'x', {}, ctx)),
  'models/templates.removeTemplate': (w, f) => f(...args(w.app, w.low, 'x', ctx)),
  'models/usage.recordUsage': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'tenant-b', requests: 1, tokens: 0, cost: 0 }, ctx)),
  'models/write.putModel': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'tenant-b', parameters: {}, lock: false }, ctx)),
  'models/write.revertModel': (w, f) => f(...args(w.app, w.low, 'openai', { scope: 'tenant-b' }, ctx)),
  'models/write.setAccess': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b', allowedProviders: null }, ctx)),
  'preferences/keys.preferenceContext': (w, f) => f(...args(w.app, w.low, {})),
  'preferences/read.getPreference': (w, f) => f(...args(w.app, w.low, 'ui.theme', {})),
  'preferences/read.listPreferences': (w, f) => f(...args(w.app, w.low, {})),
  'preferences/read.preferredPageSize': (w, f) => f(...args(w.app, w.low)),
  'preferences/write.resetPreference': (w, f) => f(...args(w.app, w.low, 'ui.theme', ctx)),
  'preferences/write.setPreference': (w, f) => f(...args(w.app, w.low, 'ui.theme', 'dark', ctx)),
  'preferences/write.setPreferences': (w, f) => f(...args(w.app, w.low, { 'ui.theme': 'dark' }, ctx)),
  'registry/catalogs.loadCatalog': (w, f) => f(...args(w.app, w.low, 'groundup', ctx)),
  'registry/catalogs.loadCatalogInto': (w, f) => f(...args(w.low, w.app.db, 'groundup', ctx, () => {})),
  'registry/write.createDefinition': (w, f) => f(...args(w.app, w.low, { key: 'x.y', label: 'X', category: 'x', type: 'string', defaultValue: '', allowedLevels: ['global'] }, ctx)),
  'registry/write.updateDefinition': (w, f) => f(...args(w.app, w.low, 'proj.limit', { label: 'L' }, ctx)),
  'registry/write.deleteDefinition': (w, f) => f(...args(w.app, w.low, 'proj.limit', ctx)),
  'scopes/context.readableScopeIds': (w, f) => f(...args(w.app, w.low)),
  'scopes/context.resolveContext': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'scopes/read.getScope': (w, f) => f(...args(w.app, w.low, 'tenant-b')),
  'scopes/read.listScopes': (w, f) => f(...args(w.app, w.low, page)),
  'scopes/read.scopesWhere': (w, f) => f(...args(w.app, w.low, 'scopes.read')),
  'scopes/write.createScope': (w, f) => f(...args(w.app, w.low, { level: 'event', parentId: 'tenant-b', name: 'E' }, ctx)),
  'scopes/write.deleteScope': (w, f) => f(...args(w.app, w.low, 'event-b1', ctx)),
  'scopes/write.registerLevel': (w, f) => f(...args(w.app, w.low, { key: 'zone', label: 'Zone', parentKey: 'event' }, ctx)),
  'settings/checks.authorizeWrite': async (w, f) => f(...args(w.app, w.app.db, w.low, await (await import('@/lib/services/registry/read')).getRegistry(w.app), op)),
  'settings/history.history': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'tenant-b', ...page })),
  'settings/read.getSetting': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'tenant-b' })),
  'settings/read.listSettings': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b', ...page })),
  'settings/read.resolveKey': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'tenant-b' })),
  'settings/read.validateSetting': (w, f) => f(...args(w.app, w.low, { key: 'auth.maxLoginAttempts', value: 6 })),
  'settings/reveal.revealSecret': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'global', password: 'x' }, ctx)),
  'settings/rollback.rollback': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'global', toVersion: 1, reason: 'why' }, ctx)),
  'settings/schema.settingsSchema': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'settings/stats.stats': (w, f) => f(...args(w.app, w.low)),
  'settings/write.applyWrites': (w, f) => f(...args(w.app, w.low, [op], {}, ctx)),
  'settings/write.bulkSet': (w, f) => f(...args(w.app, w.low, { settings: [{ key: op.key, value: 6, scope: 'tenant-b' }] }, ctx)),
  'settings/write.revertValue': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { scope: 'global', reason: 'why' }, ctx)),
  'settings/write.setValue': (w, f) => f(...args(w.app, w.low, 'auth.maxLoginAttempts', { value: 6, scope: 'tenant-b' }, ctx)),
  'migrations/status.listMigrations': (w, f) => f(...args(w.app, w.low, 'migrations/settings')),
  'migrations/status.verifyMigrations': (w, f) => f(...args(w.app, w.low, 'migrations/settings')),
  'migrations/run.migrateUp': (w, f) => f(...args(w.app, w.low, { dir: 'migrations/settings', dryRun: true }, ctx)),
  'migrations/run.migrateDown': (w, f) => f(...args(w.app, w.low, '001', { dir: 'migrations/settings' }, ctx)),
  'drift/detect.findDrift': (w, f) => f(...args(w.app, w.low, 'tenant-b')),
  'drift/detect.detectDrift': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' })),
  'drift/remediate.remediateDrift': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' }, ctx)),
  'drift/schedule.lastDriftReport': (w, f) => f(...args(w.app, w.low)),
  // issue 11: live changes and maintenance mode
  'maintenance/state.refuseDuringMaintenance': (w, f) => f(...args(w.app, w.low)),
  'stream/subscribe.openStream': (w, f) => f(...args(w.app, w.low, { scope: 'tenant-b' }, { reauthenticate: async () => null })),
  'stream/ofrep.issueOfrepTicket': (w, f) => f(...args(w.app, w.low, ['tenant-b', 'global'])),
  'stream/ofrep.ofrepEventStreams': (w, f) => f(...args(w.app, w.low, ['tenant-b', 'global'])),
  'stream/values.eventData': (w, f) =>
    f(...args(w.app, w.low, {}, { seq: 1, id: '00000000-1', type: 'setting.changed', key: 'auth.maxLoginAttempts', scopeId: 'tenant-b', version: 1, at: '', memo: new Map() })),
};

/** Arguments of any shape: the service's own runtime checks are what this test exercises. */
const args = (...a: unknown[]) => a as never[];

/** Parameter names of a function as written (esbuild keeps them): `function f(a, b)`, `(a, b) =>`, `a =>`. */
function parameterNames(fn: (...a: unknown[]) => unknown): string[] {
  const src = fn.toString();
  const list = /^[^(=]*\(([^)]*)/.exec(src)?.[1] ?? /^(?:async\s+)?(\w+)\s*=>/.exec(src)?.[1] ?? '';
  return list.split(',').flatMap((p) => /^\s*(\w+)/.exec(p)?.[1] ?? []);
}

async function serviceExports(): Promise<Map<string, (...a: unknown[]) => unknown>> {
  const out = new Map<string, (...a: unknown[]) => unknown>();
  for (const feature of readdirSync(SERVICES, { withFileTypes: true })) {
    if (!feature.isDirectory() || feature.name === 'kernel') continue;
    for (const file of readdirSync(path.join(SERVICES, feature.name))) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'store.ts') continue;
      const mod = (await import(path.join(SERVICES, feature.name, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value === 'function') out.set(`${feature.name}/${file.slice(0, -3)}.${name}`, value as (...a: unknown[]) => unknown);
      }
    }
  }
  return out;
}

let s: TestServer;
let world: World;
let exports: Map<string, (...a: unknown[]) => unknown>;

beforeAll(async () => {
  s = await startTestServer();
  const admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  expectStatus(await s.api('POST', '/api/v1/hierarchy', { token: admin, body: { key: 'project', label: 'Project', parentKey: 'global' } }), 201);
  await createScopes(s, admin, [{ id: 'proj-1', level: 'project', parentId: 'global', name: 'Project 1' }]);
  const def = { key: 'proj.limit', label: 'Limit', category: 'proj', type: 'number', defaultValue: 1, allowedLevels: ['global', 'project'] };
  expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def }), 201);
  expectStatus(await s.api('PUT', '/api/v1/settings/auth.maxLoginAttempts', { token: admin, body: { scope: 'global', value: 7, reason: 'v1' } }), 200);
  expectStatus(await s.api('POST', '/api/v1/flags', { token: admin, body: { key: 'feature.x', scope: 'global' } }), 201);
  const member = await person(s, admin, 'Mo Member', [{ role: 'member', scopeId: 'tenant-a' }]);
  const other = await person(s, admin, 'Olga Other', [{ role: 'member', scopeId: 'tenant-b' }]);
  const adminTokens = expectStatus(await s.api('GET', '/api/v1/tokens', { token: admin }), 200);
  const low: Principal = { userId: member.id, email: 'mo.member@example.com', name: 'Mo Member', roles: [{ role: 'member', scopeId: 'tenant-a' }], via: 'token' };
  world = { app: s.app, low, other, adminTokenId: adminTokens.tokens[0].id };
  exports = await serviceExports();
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe('every service entry point consults lib/auth/policy.ts', () => {
  it('finds the service modules (the enumeration itself works)', () => {
    expect(exports.size).toBeGreaterThan(60);
    expect(exports.has('settings/write.setValue')).toBe(true);
  });

  it('knows every export: a principal-taking one has a call here, any other a reason in NO_PRINCIPAL', () => {
    const unknown: string[] = [];
    for (const [name, fn] of exports) {
      const takesPrincipal = parameterNames(fn).includes('principal');
      if (takesPrincipal ? !(name in CALLS) && !(name in SELF_ONLY) : !(name in NO_PRINCIPAL)) unknown.push(name);
    }
    expect(unknown, 'new service exports: an entry point taking `principal` needs a call in CALLS (and must ask the policy); anything else a reason in NO_PRINCIPAL').toEqual([]);
    const stale = [...Object.keys(CALLS), ...Object.keys(NO_PRINCIPAL), ...Object.keys(SELF_ONLY)].filter((n) => !exports.has(n));
    expect(stale, 'listed here but no longer exported').toEqual([]);
  });

  it('each principal-taking entry point asks `can` before answering a low-rights caller', async () => {
    const can = vi.mocked(policy.can);
    const silent: string[] = [];
    for (const [name, call] of Object.entries(CALLS)) {
      const fn = exports.get(name);
      if (!fn) continue;
      can.mockClear();
      await Promise.resolve()
        .then(() => call(world, fn as (...a: never[]) => unknown))
        .catch(() => {});
      if (can.mock.calls.length === 0) silent.push(name);
    }
    expect(silent, 'these entry points answered without consulting the policy').toEqual([]);
  });

  it('the check can fail: the self-only entry points really do not ask', async () => {
    const can = vi.mocked(policy.can);
    can.mockClear();
    const getMe = exports.get('identity/read.getMe');
    await getMe?.(world.app, world.low);
    expect(can).not.toHaveBeenCalled();
  });

  it('the low-rights caller is refused where it has no right (the calls reach the policy, not a 404)', async () => {
    const refusedCodes: Record<string, string> = {};
    for (const name of ['settings/write.setValue', 'flags/write.createFlag', 'registry/catalogs.loadCatalog', 'scopes/write.deleteScope', 'identity/tokens.revokeToken']) {
      const fn = exports.get(name);
      await Promise.resolve()
        .then(() => CALLS[name](world, fn as (...a: never[]) => unknown))
        .then(
          () => (refusedCodes[name] = 'allowed'),
          (e: { code?: string }) => (refusedCodes[name] = e.code ?? 'error'),
        );
    }
    expect(refusedCodes).toEqual({
      // tenant-b is not the low caller's to read: it answers as if it did not exist (issue 8 item 9)
      'settings/write.setValue': 'SCOPE_NOT_FOUND',
      'flags/write.createFlag': 'INSUFFICIENT_PERMISSIONS',
      'registry/catalogs.loadCatalog': 'INSUFFICIENT_PERMISSIONS',
      'scopes/write.deleteScope': 'SCOPE_NOT_FOUND',
      'identity/tokens.revokeToken': 'NOT_FOUND', // someone else's token is "not found" to a caller who may not manage it
    });
  });
});
