import 'server-only';
import { verifyPassword } from '@/lib/auth/passwords';
import type { App } from '../kernel/app';
import { selectUser } from './store';

/** Whether `password` is the user's (re-authentication before a sensitive read; the caller authorizes). */
export async function verifyUserPassword(app: App, userId: string, password: string): Promise<boolean> {
  const user = await selectUser(app.db, userId);
  return !!user && (await verifyPassword(password, user.passwordHash));
}
