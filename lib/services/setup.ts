import 'server-only';
import { eq } from 'drizzle-orm';
import { installationState, roleAssignments, users } from '@/lib/db/schema';
import { hashPassword } from '@/lib/auth/passwords';
import { ConfigError } from '@/lib/env';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import { inTransaction } from './changes';
import { loadCatalogInto } from './definitions';
import { fail } from './errors';
import { newId } from './ids';
import { insertToken } from './tokens';

export const SWITCHBOARD_VERSION = '0.1.0';

export async function isSetupComplete(app: App): Promise<boolean> {
  if (app.caches.setupComplete) return true;
  const [row] = await app.db.select({ done: installationState.setupComplete }).from(installationState).where(eq(installationState.id, 1));
  app.caches.setupComplete = row?.done === true;
  return app.caches.setupComplete;
}

export async function setupStatus(app: App) {
  return { setupComplete: await isSetupComplete(app), version: SWITCHBOARD_VERSION };
}

export interface BootstrapInput {
  admin: { email: string; name: string; password: string };
  catalog?: string;
}

/**
 * First-run setup: the first platform admin, a one-time API token acting as them, optionally an example
 * catalog — all or nothing. Refused once setup is done.
 */
export async function bootstrap(app: App, input: BootstrapInput, ctx: Omit<ChangeContext, 'actor'>) {
  const passwordHash = await hashPassword(input.admin.password);
  const result = await inTransaction(app, async (tx, changed) => {
    // lock the row: two concurrent bootstraps must not both succeed
    const [state] = await tx.select().from(installationState).where(eq(installationState.id, 1)).for('update');
    if (state?.setupComplete) fail('ALREADY_SETUP', 'Switchboard is already set up');
    const userId = newId('usr');
    const email = input.admin.email.trim().toLowerCase();
    await tx.insert(users).values({ id: userId, email, name: input.admin.name.trim(), passwordHash });
    await tx.insert(roleAssignments).values({ userId, role: 'platform_admin', scopeId: 'global' });
    const token = await insertToken(tx, userId, 'Bootstrap token', null);
    const change: ChangeContext = { ...ctx, source: 'setup', actor: { id: userId, name: input.admin.name.trim(), role: 'platform_admin' } };
    await appendAudit(tx, change, [
      { action: 'setup.bootstrap', details: { adminId: userId, email, catalog: input.catalog ?? null } },
      { action: 'user.create', details: { userId, email, roles: [{ role: 'platform_admin', scopeId: 'global' }] } },
      { action: 'token.create', details: { tokenId: token.id, name: token.name, userId, prefix: token.prefix } },
    ]);
    if (input.catalog) await loadCatalogInto(app, tx, input.catalog, change, changed);
    await tx
      .update(installationState)
      .set({ setupComplete: true, setupCompletedAt: new Date(), setupCompletedBy: userId, encryptionKeyCheck: app.secrets.fingerprint })
      .where(eq(installationState.id, 1));
    return { user: { id: userId, email, name: input.admin.name.trim() }, apiToken: token.token };
  });
  app.caches.setupComplete = true;
  return result;
}

/** Refuses to run without the key secrets were last written with (set up, or last `secrets:rotate`) in the ring. */
export async function checkEncryptionKey(app: App): Promise<void> {
  const [row] = await app.db.select({ check: installationState.encryptionKeyCheck }).from(installationState).where(eq(installationState.id, 1));
  if (row?.check && !app.secrets.keyIds.includes(row.check)) {
    throw new ConfigError(
      `ENCRYPTION_KEY(S) lacks key ${row.check}, which this database's secrets are written with; add it to ENCRYPTION_KEYS (after the new key) to read them`,
    );
  }
}
