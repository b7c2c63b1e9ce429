// `npm run settings -- <command>`: the operator's configuration lifecycle, through the same services as the API.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hasForbiddenKey } from '@/lib/engine/document';
import { IMPORT_BODY_LIMIT, ZExportQuery, ZImportBody } from '@/lib/schemas/export-import';
import { ZDriftQuery, ZRemediateBody } from '@/lib/schemas/drift';
import { ZBackupsQuery, ZCreateBackup, ZRestoreBody, type TBackup } from '@/lib/schemas/backups';
import { createBackup, uploadBackup } from '@/lib/services/backups/create';
import { downloadBackup, listBackups } from '@/lib/services/backups/read';
import { restoreBackup } from '@/lib/services/backups/restore';
import { detectDrift } from '@/lib/services/drift/detect';
import { remediateDrift } from '@/lib/services/drift/remediate';
import { runDueDriftCheck } from '@/lib/services/drift/schedule';
import { exportConfiguration } from '@/lib/services/export-import/export';
import { importConfiguration } from '@/lib/services/export-import/import';
import type { App } from '@/lib/services/kernel/app';
import { fail } from '@/lib/services/kernel/errors';
import { parse, runCli, UsageError, type Operator } from './cli/common';
import { printBackups, printDiff, printDrift } from './cli/print';

const USAGE = `Usage: npm run settings -- <command> [options]
  export  --scope <id> [--category <c>] [--include-descendants] [--include-secrets] [--file <out.json>]
  import  --file <in.json> (--preview | --confirm --reason <why> [--etag <from --preview>]) [--map-scopes a=b,c=d]
  backup  [--type full|system|user|model] [--note <text>] [--file <out.json>]   (stored in the database; --file also writes it)
  backup  --list [--type <t>] [--json]
  restore (--id <backup id> | --file <backup.json>) (--preview | --confirm --reason <why> [--etag <from --preview>])
          (--file stores the file as an uploaded backup first, as the Backups page does)
  drift   [--scope <id>] [--json] [--remediate [--keys k1,k2] [--reason <why>]]
Runs against DATABASE_URL, or the embedded database in SWITCHBOARD_DATA_DIR (default ./.data; stop the server first).
Acts as "cli (<os user>@<host>)" with a platform admin's rights, audited under that name.`;

type Command = (app: App, op: Operator, args: string[]) => Promise<number>;

/** Parses a query-like input with the API's own schema, so the CLI refuses what the API refuses. */
function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new UsageError(`--${String(r.error.issues[0].path[0] ?? 'input')}: ${r.error.issues[0].message}`);
  return r.data;
}

const exportCommand: Command = async (app, op, args) => {
  const { values } = parse(args, { scope: { type: 'string' }, category: { type: 'string' }, 'include-descendants': { type: 'boolean' }, 'include-secrets': { type: 'boolean' }, file: { type: 'string' } });
  const q = checked(ZExportQuery, { scope: values.scope, category: values.category, includeDescendants: String(!!values['include-descendants']), includeSecrets: String(!!values['include-secrets']) });
  const doc = await exportConfiguration(app, op.principal, q);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (!values.file) process.stdout.write(text);
  else {
    writeFileSync(values.file, text);
    console.error(`Exported ${doc.settings.length} value(s), ${doc.flags.length} flag row(s) and ${doc.definitions.length} definition(s) of ${q.scope} to ${values.file}`);
  }
  return 0;
};

/** The file as the API reads an upload: at most 10 MiB of JSON, an object, no prototype keys. */
function readDocument(file: string) {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    fail('INVALID_REQUEST', `No file ${file}`, 'file');
  }
  if (size > IMPORT_BODY_LIMIT) fail('PAYLOAD_TOO_LARGE', `${file} is ${size} bytes; an import may be at most ${IMPORT_BODY_LIMIT} bytes (10 MiB)`, 'file');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail('INVALID_REQUEST', `${file} is not JSON: ${(e as Error).message}`, 'file');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('INVALID_REQUEST', `${file} is not an export document (a JSON object)`, 'file');
  const bad = hasForbiddenKey(doc);
  if (bad !== null) fail('INVALID_REQUEST', `Forbidden key "${bad}" in the file`, bad);
  const parsed = ZImportBody.safeParse(doc);
  if (!parsed.success) fail('INVALID_REQUEST', `${file}: ${parsed.error.issues[0].path.join('.') || 'document'}: ${parsed.error.issues[0].message}`, 'file');
  return parsed.data;
}

function scopeMap(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  const pairs = raw.split(',').map((p) => p.split('='));
  if (pairs.some((p) => p.length !== 2 || !p[0] || !p[1])) throw new UsageError('--map-scopes takes from=to pairs separated by commas, e.g. tenant_au=tenant_ke');
  return Object.fromEntries(pairs);
}

const importCommand: Command = async (app, op, args) => {
  const { values } = parse(args, { file: { type: 'string' }, preview: { type: 'boolean' }, confirm: { type: 'boolean' }, reason: { type: 'string' }, etag: { type: 'string' }, 'map-scopes': { type: 'string' } });
  if (!values.file) throw new UsageError('import needs --file <export.json>');
  if (!!values.preview === !!values.confirm) throw new UsageError('import needs either --preview or --confirm');
  const { mapScopes: fileMap, reason: fileReason, ...doc } = readDocument(values.file);
  const opts = { mapScopes: scopeMap(values['map-scopes']) ?? fileMap, reason: values.reason ?? fileReason };
  const preview = await importConfiguration(app, op.principal, doc, { ...opts, confirm: false }, op.change);
  if (!preview.preview) return 1;
  // the diff applied is the one printed: confirmed with its ETag (or the one a --preview run printed)
  printDiff(preview);
  if (values.preview) return preview.summary.invalid > 0 ? 1 : 0;
  const done = await importConfiguration(app, op.principal, doc, { ...opts, confirm: true, ifMatch: values.etag ?? preview.etag }, op.change);
  if (!done.preview) console.log(`Imported: ${done.created} created, ${done.updated} updated, ${done.deleted} deleted, ${done.unchanged} unchanged (change set ${done.changeSetId ?? 'none'}).`);
  return 0;
};

const driftCommand: Command = async (app, op, args) => {
  const { values } = parse(args, { scope: { type: 'string' }, json: { type: 'boolean' }, remediate: { type: 'boolean' }, keys: { type: 'string' }, reason: { type: 'string' } });
  if (values.remediate) {
    const body = checked(ZRemediateBody, { scope: values.scope, keys: values.keys?.split(','), reason: values.reason });
    const out = await remediateDrift(app, op.principal, body, op.change);
    if (values.json) console.log(JSON.stringify(out, null, 2));
    else console.log(`Remediated ${out.items.length} value(s): ${out.items.map((i) => `${i.key}@${i.scope}`).join(', ') || 'none'}; ${out.skipped.length} left for review.`);
    return 0;
  }
  if (values.keys || values.reason) throw new UsageError('--keys and --reason go with --remediate');
  const q = checked(ZDriftQuery, { scope: values.scope });
  // a whole-installation check is recorded, like the daily one (the dashboard shows the last)
  const report = q.scope === 'global' ? await runDueDriftCheck(app, { log: { log() {}, warn() {}, error() {} } }, 'cli') : await detectDrift(app, op.principal, q);
  if (!report) return 1;
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printDrift(report);
  // 3: drift found (scripts can act on it); 0: none
  return report.drifted.length + report.missing.length + report.unexpected.length > 0 ? 3 : 0;
};

const backupCommand: Command = async (app, op, args) => {
  const { values } = parse(args, { type: { type: 'string' }, note: { type: 'string' }, file: { type: 'string' }, list: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.list) {
    if (values.note || values.file) throw new UsageError('--list takes only --type and --json');
    const list = await listBackups(app, op.principal, checked(ZBackupsQuery, { type: values.type, limit: '200' }));
    if (values.json) console.log(JSON.stringify(list, null, 2));
    else printBackups(list);
    return 0;
  }
  const input = checked(ZCreateBackup, { type: values.type ?? 'full', note: values.note });
  const backup = await createBackup(app, op.principal, input, op.change);
  console.log(`Backup ${backup.id} (${backup.type}): ${backup.items} item(s), ${backup.size} bytes, ${backup.compressedSize} stored; SHA-256 ${backup.checksum}`);
  if (values.file) {
    const { bytes } = await downloadBackup(app, op.principal, backup.id);
    writeFileSync(values.file, bytes);
    console.log(`Written to ${values.file}`);
  }
  return 0;
};

/**
 * A backup file stored as an `upload` backup, checked like the upload endpoint's (JSON, no prototype keys,
 * the backup format). Not capped at the endpoint's 10 MiB: that limit guards the server's memory against
 * callers; the operator reads a local file, e.g. a large download the endpoint could not take back.
 */
async function uploadFile(app: App, op: Operator, file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    fail('INVALID_REQUEST', `Cannot read ${file}: ${(e as Error).message}`, 'file');
  }
  const backup = await uploadBackup(app, op.principal, bytes, undefined, op.change);
  console.log(`Stored ${file} as backup ${backup.id} (${backup.type}, ${backup.items} item(s))`);
  return backup.id;
}

const restoreCommand: Command = async (app, op, args) => {
  const { values } = parse(args, { id: { type: 'string' }, file: { type: 'string' }, preview: { type: 'boolean' }, confirm: { type: 'boolean' }, reason: { type: 'string' }, etag: { type: 'string' } });
  if (!values.id === !values.file) throw new UsageError('restore needs either --id <backup id> or --file <backup.json>');
  if (!!values.preview === !!values.confirm) throw new UsageError('restore needs either --preview or --confirm');
  if (values.confirm && !values.reason?.trim()) throw new UsageError('restore --confirm needs --reason <why> (recorded with every change)');
  const backupId = values.id ?? (await uploadFile(app, op, values.file!));
  const body = checked(ZRestoreBody, { backupId, preview: true, reason: values.reason });
  const preview = await restoreBackup(app, op.principal, body, undefined, op.change);
  if (!preview.preview) return 1;
  // the diff applied is the one printed: confirmed with its ETag (or the one a --preview run printed)
  printDiff(preview);
  if (preview.models) console.log(`AI model configuration: ${preview.models.configurations} configuration(s), ${preview.models.templates} preset(s), ${preview.models.access} provider restriction(s) replace the current ones.`);
  if (values.preview) return preview.summary.invalid > 0 ? 1 : 0;
  const done = await restoreBackup(app, op.principal, { ...body, preview: false }, values.etag ?? preview.etag, op.change);
  if (done.preview) return 1;
  console.log(`Restored: ${done.created} created, ${done.updated} updated, ${done.deleted} deleted, ${done.unchanged} unchanged (change set ${done.changeSetId ?? 'none'}); the state before is backup ${(done.preRestoreBackup as TBackup).id}.`);
  return 0;
};

const COMMANDS: Record<string, Command> = { export: exportCommand, import: importCommand, backup: backupCommand, restore: restoreCommand, drift: driftCommand };

const [name, ...rest] = process.argv.slice(2);
const command = name ? COMMANDS[name] : undefined;
if (!command) {
  console.error(name ? `Unknown command "${name}".\n\n${USAGE}` : USAGE);
  process.exit(2);
}
await runCli(USAGE, (app, op) => command(app, op, rest));
