import 'server-only';
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
  await getDefinition(app, key);
  const entry = await selectVersionEntry(app.db, key, input.scope, input.toVersion);
  if (!entry) fail('NOT_FOUND', `No version ${input.toVersion} of "${key}" at "${input.scope}"`, 'toVersion');
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
