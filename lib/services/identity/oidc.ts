import 'server-only';
import type { OidcIdentity } from '@/lib/auth/oidc';
import { appendAudit } from '../audit/append';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { clearLockout } from './sessions';
import { actorOf, type SignedInUser } from './sign-in';
import { selectUserByEmail } from './store';

export type OidcSignIn =
  | { ok: true; user: SignedInUser }
  | { ok: false; reason: 'no_email' | 'unverified_email' | 'unknown_email' | 'disabled' };

/**
 * OIDC sign-in: the identity provider's verified e-mail must belong to an existing, enabled user (no
 * accounts are created on the fly). A success also lifts a password lockout: the provider vouched for
 * the person. Audited like password sign-ins, failures with their reason and, when the e-mail names a
 * user, that user as the actor.
 */
export async function signInWithOidc(app: App, identity: OidcIdentity, meta: { ip: string | null; issuer: string }): Promise<OidcSignIn> {
  const { email } = identity;
  const row = email ? await selectUserByEmail(app.db, email) : undefined;
  const reason = !email ? 'no_email' : !identity.emailVerified ? 'unverified_email' : !row ? 'unknown_email' : row.disabled ? 'disabled' : null;
  // an unverified address proves nothing about who is signing in: no actor then
  const known = row && identity.emailVerified ? row : undefined;
  await inTransaction(app, async (tx, changed) => {
    const actor = known ? (await actorOf(tx, known.id)).actor : { id: null, name: null, role: null };
    if (known && known.disabled) Object.assign(actor, { name: known.name });
    const details = { outcome: reason ? 'failure' : 'success', method: 'oidc', issuer: meta.issuer, email, ...(reason ? { reason } : { emailFrom: identity.from }) };
    await appendAudit(tx, { actor, source: 'manual', ip: meta.ip }, [{ action: 'auth.signin', details }]);
    if (!reason && known) {
      await clearLockout(tx, known.id);
      changed({ type: 'principals' });
    }
  });
  if (reason || !known) return { ok: false, reason: reason ?? 'unknown_email' };
  return { ok: true, user: { id: known.id, email: known.email, name: known.name, sessionEpoch: known.sessionEpoch } };
}
