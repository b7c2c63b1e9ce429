import 'server-only';
import { isSecret } from '@/lib/engine/secrecy';
import type { Principal } from '@/lib/auth/policy';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { getDefinition } from '../registry/read';
import { selectVersionEntry } from './store';
import type { WriteOp } from './types';
import { applyWrites, writeAnswer } from './write';

/** Writes an earlier version back (a new version, audited as `rollback`); the write path authorizes. */
export async function rollback(
  app: App,
  principal: Principal,
  key: string,
  input: { scope: string; toVersion: number; reason: string; ifMatch?: number },
  ctx: ChangeContext,
) {
  const def = await getDefinition(app, key);
  const entry = await selectVersionEntry(app.db, key, input.scope, input.toVersion);
  if (!entry) fail('NOT_FOUND', `No version ${input.toVersion} of "${key}" at "${input.scope}"`, 'toVersion');
  // a value stored as a secret (an earlier definition of this key) must not come back in plain text
  if (entry.newCiphertext && !isSecret(def)) fail('CONFLICT', `Version ${input.toVersion} of "${key}" was a secret; "${key}" is no longer secret, so it cannot be restored`, 'toVersion');
  const details = (entry.details ?? {}) as { locked?: boolean; skipTo?: string };
  const op: WriteOp =
    entry.action === 'setting.revert'
      ? { kind: 'revert', key, scope: input.scope, ifMatch: input.ifMatch }
      : {
          kind: 'set',
          key,
          scope: input.scope,
          value: entry.newCiphertext ? app.secrets.decrypt(entry.newCiphertext) : entry.newValue,
          lock: details.locked,
          skipTo: details.skipTo,
          ifMatch: input.ifMatch,
        };
  const outcome = await applyWrites(app, principal, [op], { reason: input.reason, source: 'rollback' }, ctx);
  return { ...writeAnswer(outcome.results[0]), rolledBackTo: input.toVersion };
}
