import 'server-only';
import { verifyPassword } from '@/lib/auth/passwords';
import type { Principal } from '@/lib/auth/policy';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { throttles } from '../throttle';
import { authSettings, MINUTE } from './sessions';
import { selectUser } from './store';

/**
 * Re-authentication before a sensitive step (revealing a secret, changing one's own password): the
 * caller's password must be right. A wrong one is audited and counts toward the same per-e-mail
 * backoff as failed sign-ins, so a stolen session or token cannot guess the password at leisure;
 * while that backoff runs, the check answers 429 RATE_LIMITED without trying. The caller authorizes.
 */
export async function confirmPassword(app: App, principal: Principal, password: string, ctx: ChangeContext, purpose: string, field: string): Promise<void> {
  const key = principal.email.toLowerCase();
  const backoff = throttles(app).signInByEmail;
  const wait = backoff.check(key);
  if (!wait.ok) fail('RATE_LIMITED', `Too many wrong passwords; try again in ${wait.retryAfterSeconds} s`, field, { retryAfterSeconds: wait.retryAfterSeconds });
  const user = await selectUser(app.db, principal.userId);
  if (user && (await verifyPassword(password, user.passwordHash))) return;
  const settings = await authSettings(app);
  await inTransaction(app, (tx) => appendAudit(tx, ctx, [{ action: 'auth.password_check', details: { outcome: 'failure', purpose, userId: principal.userId } }]));
  backoff.fail(key, Date.now(), { resetAfterMs: settings.autoResetAfterMinutes * MINUTE, free: settings.maxLoginAttempts - 1 });
  fail('UNAUTHENTICATED', 'Password is not correct', field);
}
