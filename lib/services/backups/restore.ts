import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TBackupContent, TRestoreBody } from '@/lib/schemas/backups';
import type { TApplied, TPreview } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { Change } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { previewOrApply } from '../export-import/apply';
import type { TargetState } from '../export-import/plan';
import { checkModelDump, replaceModelConfiguration } from '../models/backup';
import { COVERS, modelDumpOf, parseContent, readContent, unpack } from './content';
import { authorizeBackups, takeBackup } from './create';
import { insertLevels, insertScopes, loadFlags, loadLevels, loadScopes, loadValuePairs, selectBackup } from './store';

type ModelCounts = { configurations: number; templates: number; access: number };
export type RestoreAnswer = ({ preview: true; models?: ModelCounts } & TPreview) | ({ preview: false; etag: string; preRestoreBackup: unknown; models?: ModelCounts } & TApplied);

/**
 * `POST /restore`: brings what the backup's type covers back to the backup's state. `preview` answers the
 * import diff (values and flag rows created, updated or deleted; keys this registry no longer has listed as
 * invalid). Otherwise, in one transaction: a `pre-restore` backup of the same type, the scopes and levels
 * the backup has and this instance lacks, the values and flag rows (audit source `restore`, one change set),
 * and the AI model configuration for full and model backups. A backup that fails its checksum: 409.
 */
export async function restoreBackup(app: App, principal: Principal, body: TRestoreBody, ifMatch: string | undefined, change: ChangeContext): Promise<RestoreAnswer> {
  authorizeBackups(principal, 'backups.restore');
  if (!body.preview && !body.reason?.trim()) fail('REASON_REQUIRED', 'A restore needs a reason, recorded with every change it makes', 'reason');
  const row = await selectBackup(app.db, body.backupId);
  if (!row) fail('NOT_FOUND', `No backup "${body.backupId}"`, 'backupId');
  const content = parseContent(await unpack(row), `Backup "${row.id}"`);
  const models = modelDumpOf(content);
  if (models) checkModelDump(models);
  const modelCounts = models ? { configurations: models.configurations.length, templates: models.templates.length, access: models.access.length } : undefined;
  const reason = body.reason?.trim() ?? '';
  const preRestoreNote = `Before restoring ${row.id}: ${reason}`.slice(0, 500);
  const out = await previewOrApply(app, principal, (db) => restoreTarget(db, content), {
    confirm: !body.preview,
    ifMatch,
    requireIfMatch: false,
    reason,
    source: 'restore',
    change,
    prefetch: (tx) => readContent(app, tx, row.type, preRestoreNote),
    beforeApply: async (tx, ctx, changed, current) => {
      const preRestoreBackup = await takeBackup(app, tx, { type: row.type, origin: 'pre-restore', note: preRestoreNote, change: ctx, content: current });
      await createTree(tx, content, ctx, reason, changed);
      if (models) await replaceModelConfiguration(tx, models, ctx, reason, changed);
      return { preRestoreBackup, ...(modelCounts ? { models: modelCounts } : {}) };
    },
  });
  return out.preview ? { ...out, ...(modelCounts ? { models: modelCounts } : {}) } : (out as RestoreAnswer);
}

const pairKey = (key: string, scope: string) => `${key}\u0000${scope}`;

/** The state the backup describes: its values and flag rows, and whatever else is stored in its domain removed. */
async function restoreTarget(db: Executor, content: TBackupContent): Promise<TargetState> {
  const covers = COVERS[content.type];
  const target: TargetState = { values: [], restore: true };
  if (covers.values) {
    target.values = content.settings.map((s) => ({ key: s.key, scope: s.scope, value: s.value, encrypted: s.encrypted, locked: s.locked ?? false, skipTo: s.skipTo ?? null }));
    const kept = new Set(content.settings.map((s) => pairKey(s.key, s.scope)));
    target.removeValues = (await loadValuePairs(db, covers.values)).filter((p) => !kept.has(pairKey(p.key, p.scopeId))).map((p) => ({ key: p.key, scope: p.scopeId }));
  }
  if (covers.tree) {
    target.flags = content.flags.map(({ key, scope, ...rule }) => ({ key, scope, rule }));
    const kept = new Set(content.flags.map((f) => pairKey(f.key, f.scope)));
    target.removeFlags = (await loadFlags(db)).filter((r) => !kept.has(pairKey(r.key, r.scopeId))).map((r) => ({ key: r.key, scope: r.scopeId }));
    target.definitions = content.definitions;
    target.scopes = content.scopes;
  }
  return target;
}

/** Levels and scopes the backup has and this instance lacks (a restore into a fresh instance), audited. Existing ones are kept as they are. */
async function createTree(tx: Executor, content: TBackupContent, ctx: ChangeContext, reason: string, changed: (c: Change) => void) {
  if (!COVERS[content.type].tree) return;
  const [levels, scopes] = await Promise.all([loadLevels(tx), loadScopes(tx)]);
  const haveLevels = new Set(levels.map((l) => l.key));
  const haveScopes = new Set(scopes.map((s) => s.id));
  const newLevels = content.levels.filter((l) => !haveLevels.has(l.key));
  const newScopes = content.scopes.filter((s) => !haveScopes.has(s.id));
  if (newLevels.length + newScopes.length === 0) return;
  await insertLevels(tx, newLevels);
  await insertScopes(tx, newScopes);
  await appendAudit(tx, ctx, [
    ...newLevels.map((l) => ({ action: 'hierarchy.register', level: l.key, newValue: l, reason })),
    ...newScopes.map((s) => ({ action: 'scope.create', scopeId: s.id, level: s.level, newValue: { name: s.name, parentId: s.parentId }, reason })),
  ]);
  changed({ type: 'scopes' });
}
