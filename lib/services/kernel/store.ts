import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { installationState } from '@/lib/db/schema';

/** The kernel's one query: the key fingerprint recorded at setup (null before setup). */
export async function readEncryptionKeyCheck(db: Executor): Promise<string | null> {
  const [row] = await db.select({ check: installationState.encryptionKeyCheck }).from(installationState).where(eq(installationState.id, 1));
  return row?.check ?? null;
}
