import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { verifyUserPassword } from '../identity/password';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { getDefinition } from '../registry/read';
import { scopePath } from '../scopes/path';
import { resolveInternal } from './resolve';

/** A secret in plain text, for a platform admin who re-entered their password. Audited. */
export async function revealSecret(app: App, principal: Principal, key: string, input: { scope: string; password: string }, ctx: ChangeContext) {
  const def = await getDefinition(app, key);
  if (!can(principal, 'settings.reveal')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may reveal secrets');
  if (!(await verifyUserPassword(app, principal.userId, input.password))) fail('UNAUTHENTICATED', 'Password is not correct', 'password');
  const path = await scopePath(app, input.scope);
  const r = await resolveInternal(app, def, { path });
  await inTransaction(app, (tx) =>
    appendAudit(tx, ctx, [{ action: 'setting.reveal', key, scopeId: input.scope, level: path[0].level, details: { resolvedFrom: r.resolvedFrom } }]),
  );
  return { key, scope: input.scope, value: r.value, resolvedFrom: r.resolvedFrom };
}
