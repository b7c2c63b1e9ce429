import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { TCatalogFlag } from '@/lib/schemas/flags';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { Change } from '../kernel/cache';
import { auditedFlag, RULE_DEFAULTS } from './rules';
import { insertMissingFlags } from './store';

/** A catalog's flags at global: created where missing, never overwriting what an admin set (the catalog load is authorized by its caller). */
export async function loadCatalogFlags(tx: Executor, flags: TCatalogFlag[], catalog: string, ctx: ChangeContext, changed: (c: Change) => void): Promise<number> {
  if (flags.length === 0) return 0;
  const rows = await insertMissingFlags(tx, flags.map((f) => ({ ...RULE_DEFAULTS, ...f, scopeId: 'global', updatedBy: ctx.actor.id })));
  await appendAudit(
    tx,
    ctx,
    rows.map((r) => ({ action: 'flag.create', key: r.key, scopeId: 'global', level: 'global', newValue: auditedFlag(r), version: 1, source: 'catalog' as const, details: { catalog } })),
  );
  for (const r of rows) changed({ type: 'flag', key: r.key, scopeId: 'global', version: 1 });
  return rows.length;
}
