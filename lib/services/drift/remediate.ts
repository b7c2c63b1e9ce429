import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { TRemediated } from '@/lib/schemas/drift';
import type { ChangeContext } from '../audit/types';
import { previewOrApply } from '../export-import/apply';
import type { TargetState } from '../export-import/plan';
import type { App } from '../kernel/app';
import { newId } from '../kernel/ids';
import { pathIds, refuseAt, scopePath } from '../scopes/path';
import { findDrift, type Finding } from './detect';

/**
 * `POST /drift/remediate`: puts auto-remediable drifted values back to what the audit log (or a migration)
 * last recorded, through the bulk write protocol, in one transaction and one change set audited as
 * `auto_remediation`. Everything else stays in `skipped` for a person to review.
 */
export async function remediateDrift(app: App, principal: Principal, input: { scope: string; keys?: string[]; reason?: string }, change: ChangeContext): Promise<TRemediated> {
  const path = pathIds(await scopePath(app, input.scope));
  if (!can(principal, 'drift.remediate', { scopePath: path })) refuseAt(principal, path, `You may not remediate drift at scope "${input.scope}"`);
  const { findings } = await findDrift(app, principal, input.scope);
  const wanted = input.keys ? new Set(input.keys) : null;
  const chosen = findings.filter((f) => !wanted || wanted.has(f.key));
  const fix = chosen.filter((f) => f.cls.autoRemediable);
  const skipped = chosen
    .filter((f) => !f.cls.autoRemediable)
    .map((f) => ({ key: f.key, scope: f.scope, reason: `${f.cls.severity} drift: the drift table does not mark "${f.key}" auto-remediable, so a person reviews it` }));
  if (fix.length === 0) return { remediated: [], items: [], skipped, changeSetId: null };
  const ctx: ChangeContext = { ...change, source: 'auto_remediation', changeSetId: newId('cs') };
  const out = await previewOrApply(app, principal, async () => targetOf(fix), {
    confirm: true,
    requireIfMatch: false,
    reason: input.reason ?? 'Drift remediation: restored what the audit log last recorded',
    source: 'auto_remediation',
    change: ctx,
  });
  const items = fix.map((f) => ({ key: f.key, scope: f.scope }));
  return { remediated: [...new Set(items.map((i) => i.key))], items, skipped, changeSetId: out.preview ? null : out.changeSetId };
}

/** Present expected states are written back (secrets from the audit log's ciphertext); absent ones removed. */
function targetOf(fix: Finding[]): TargetState {
  const present = fix.filter((f) => f.expected?.present);
  return {
    values: present.map((f) => ({ key: f.key, scope: f.scope, value: f.expected!.value, locked: f.expected!.locked, skipTo: f.expected!.skipTo })),
    removeValues: fix.filter((f) => !f.expected?.present).map((f) => ({ key: f.key, scope: f.scope })),
    // the values come from this instance's own audit log, not from a file
    plainSecrets: true,
    restore: fix.some((f) => f.scope.startsWith('user:')),
  };
}
