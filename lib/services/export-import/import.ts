import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { EXPORT_FORMAT_VERSION, type TExportDocument } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import type { ChangeContext } from '../audit/types';
import { fail } from '../kernel/errors';
import { previewOrApply, type BulkAnswer } from './apply';
import type { TargetState } from './plan';

export interface ImportOptions {
  confirm: boolean;
  ifMatch?: string;
  reason?: string;
  mapScopes?: Record<string, string>;
}

/**
 * `POST /settings/import`: the document's values, flag rows and custom definitions as a target state,
 * scopes renamed by `mapScopes` (copy one tenant's configuration into another). Preview or confirm.
 */
export async function importConfiguration(app: App, principal: Principal, doc: TExportDocument, opts: ImportOptions, change: ChangeContext): Promise<BulkAnswer> {
  if (doc.version !== EXPORT_FORMAT_VERSION) {
    fail('INVALID_REQUEST', `Unsupported export format version "${doc.version}"; this server reads "${EXPORT_FORMAT_VERSION}"`, 'version');
  }
  const target = documentTarget(doc, opts.mapScopes ?? {});
  return previewOrApply(app, principal, async () => target, { confirm: opts.confirm, ifMatch: opts.ifMatch, reason: opts.reason, source: 'import', change });
}

function documentTarget(doc: TExportDocument, mapScopes: Record<string, string>): TargetState {
  const map = (scope: string) => (Object.hasOwn(mapScopes, scope) ? mapScopes[scope] : scope);
  return {
    values: doc.settings.map((s) => ({ key: s.key, scope: map(s.scope), value: s.value, encrypted: s.encrypted, locked: s.locked ?? false, skipTo: s.skipTo ?? null })),
    flags: doc.flags.map(({ key, scope, ...rule }) => ({ key, scope: map(scope), rule })),
    definitions: doc.definitions,
  };
}
