import type { TDriftReport } from '@/lib/schemas/drift';
import type { TBackupList } from '@/lib/schemas/backups';
import type { TPreview } from '@/lib/schemas/export-import';

/** Human-readable output of the operator CLIs (`--json` prints the API's own shapes instead). */

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

export function printDiff(p: TPreview) {
  for (const c of p.changes) {
    if (c.action === 'unchanged') continue;
    const where = `${c.kind === 'flag' ? 'flag ' : ''}${c.key}${c.scope ? ` @ ${c.scope}` : ''}`;
    if (c.action === 'invalid') console.log(`  invalid  ${where}: ${c.error?.message}`);
    else console.log(`  ${c.action.padEnd(7)}  ${where}: ${show(c.currentValue)} → ${show(c.newValue)}`);
  }
  const s = p.summary;
  console.log(`${s.toCreate} to create, ${s.toUpdate} to update, ${s.toDelete} to delete, ${s.unchanged} unchanged, ${s.invalid} invalid. ETag ${p.etag}`);
}

export function printDrift(r: TDriftReport) {
  console.log(`Drift at ${r.scope} and below, ${r.checkedAt}: ${r.checked} stored value(s) checked.`);
  for (const d of r.drifted) console.log(`  ${d.severity.padEnd(8)} drifted  ${d.key} @ ${d.scope}: expected ${show(d.expectedValue)}, found ${show(d.actualValue)}${d.autoRemediable ? ' (auto-remediable)' : ''} — ${d.reason}`);
  for (const m of r.missing) console.log(`  ${m.severity.padEnd(8)} missing  ${m.key} @ ${m.scope}: expected ${show(m.expectedValue)}${m.autoRemediable ? ' (auto-remediable)' : ''} — ${m.reason}`);
  for (const u of r.unexpected) console.log(`  unexpected        ${u.key} @ ${u.scope}: ${show(u.actualValue)} — ${u.reason}`);
  if (!r.drifted.length && !r.missing.length && !r.unexpected.length) console.log('  no drift: every stored value is what was recorded.');
}

export function printBackups(l: TBackupList) {
  for (const b of l.backups) {
    console.log(`  ${b.id}  ${b.createdAt}  ${b.type.padEnd(6)}  ${b.origin.padEnd(11)}  ${String(b.items).padStart(7)} item(s)  ${b.size} bytes${b.note ? `  — ${b.note}` : ''}`);
  }
  console.log(`${l.total} backup(s)${l.total > l.backups.length ? `, newest ${l.backups.length} shown` : ''}.`);
}
