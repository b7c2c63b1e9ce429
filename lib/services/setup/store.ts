import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { installationState } from '@/lib/db/schema';

/** Whether setup is done; `forUpdate` locks the row so two concurrent bootstraps cannot both succeed. */
export async function selectSetupComplete(db: Executor, opts: { forUpdate?: boolean } = {}): Promise<boolean> {
  const q = db.select({ done: installationState.setupComplete }).from(installationState).where(eq(installationState.id, 1));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row?.done === true;
}

export async function markSetupComplete(tx: Executor, by: string, keyCheck: string): Promise<void> {
  await tx.update(installationState).set({ setupComplete: true, setupCompletedAt: new Date(), setupCompletedBy: by, encryptionKeyCheck: keyCheck }).where(eq(installationState.id, 1));
}
