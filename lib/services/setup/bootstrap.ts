import 'server-only';
import { hashPassword } from '@/lib/auth/passwords';
import type { Principal } from '@/lib/auth/policy';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { insertToken } from '../identity/tokens';
import { insertFirstAdmin } from '../identity/write';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { loadCatalogInto } from '../registry/catalogs';
import { markSetupComplete, selectSetupComplete } from './store';

export interface BootstrapInput {
  admin: { email: string; name: string; password: string };
  catalog?: string;
}

/**
 * First-run setup: the first platform admin, a one-time API token acting as them, optionally an example
 * catalog (loaded as that admin, through the policy) — all or nothing. Refused once setup is done.
 */
export async function bootstrap(app: App, input: BootstrapInput, ctx: Omit<ChangeContext, 'actor'>) {
  const passwordHash = await hashPassword(input.admin.password);
  const result = await inTransaction(app, async (tx, changed) => {
    if (await selectSetupComplete(tx, { forUpdate: true })) fail('ALREADY_SETUP', 'Switchboard is already set up');
    const email = input.admin.email.trim().toLowerCase();
    const name = input.admin.name.trim();
    const userId = await insertFirstAdmin(tx, { email, name, passwordHash });
    const token = await insertToken(tx, userId, 'Bootstrap token', null);
    const change: ChangeContext = { ...ctx, source: 'setup', actor: { id: userId, name, role: 'platform_admin' } };
    await appendAudit(tx, change, [
      { action: 'setup.bootstrap', details: { adminId: userId, email, catalog: input.catalog ?? null } },
      { action: 'user.create', details: { userId, email, roles: [{ role: 'platform_admin', scopeId: 'global' }] } },
      { action: 'token.create', details: { tokenId: token.id, name: token.name, userId, prefix: token.prefix } },
    ]);
    const admin: Principal = { userId, email, name, roles: [{ role: 'platform_admin', scopeId: 'global' }], via: 'token', tokenId: token.id };
    if (input.catalog) await loadCatalogInto(admin, tx, input.catalog, change, changed);
    await markSetupComplete(tx, userId, app.secrets.fingerprint);
    return { user: { id: userId, email, name }, apiToken: token.token };
  });
  app.caches.setupComplete = true;
  return result;
}
