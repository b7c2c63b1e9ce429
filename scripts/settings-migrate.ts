// `npm run settings:migrate -- status | up [--dry-run] | down <version> | verify | create <name>` (seed 003 §5.4).
import { createMigrationFile } from '@/lib/services/migrations/create';
import { defaultMigrationsDir } from '@/lib/services/migrations/files';
import { migrateDown, migrateUp } from '@/lib/services/migrations/run';
import { listMigrations, verifyMigrations } from '@/lib/services/migrations/status';
import type { TMigrationItem } from '@/lib/schemas/migrations';
import { readEnvOrExit } from '@/lib/env';
import { parse, runCli, UsageError } from './cli/common';
import { printDiff } from './cli/print';

const USAGE = `Usage: npm run settings:migrate -- <command> [--dir <folder>] [--json]
  status            applied, pending and failed migrations with their checksums
  up [--dry-run]    apply every pending migration in version order (each in one transaction); --dry-run shows the diffs
  down <version>    roll back the newest applied migration with its down()
  verify            check that no applied migration's file changed since (exit 1 if one did)
  create <name>     write the next numbered migration file to fill in
The folder is --dir, else SETTINGS_MIGRATIONS_DIR, else ./migrations/settings.`;

const line = (m: TMigrationItem) =>
  `  ${m.version}  ${m.status.padEnd(11)} ${m.name}${m.modified ? '  MODIFIED since applied' : ''}${m.error ? `  error: ${m.error}` : ''}${m.file ? '' : '  (file missing)'}  ${(m.checksum ?? m.appliedChecksum ?? '').slice(0, 12)}`;

const { values, positionals } = (() => {
  try {
    return parse(process.argv.slice(2), { dir: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
const [command, arg] = positionals;

if (command === 'create') {
  // only writes a file: no database needed
  readEnvOrExit();
  if (!arg) {
    console.error(`create needs a name\n\n${USAGE}`);
    process.exit(2);
  }
  const made = createMigrationFile(positionals.slice(1).join(' '), values.dir ?? defaultMigrationsDir());
  console.log(`Created ${made.path}`);
} else {
  await runCli(USAGE, async (app, op) => {
    const dir = values.dir ?? defaultMigrationsDir();
    const out = (v: unknown) => console.log(JSON.stringify(v, null, 2));
    switch (command) {
      case 'status': {
        const list = await listMigrations(app, op.principal, dir);
        if (values.json) out(list);
        else console.log(`Settings migrations in ${dir}:\n${list.migrations.map(line).join('\n') || '  none'}`);
        return 0;
      }
      case 'verify': {
        const v = await verifyMigrations(app, op.principal, dir);
        if (values.json) out(v);
        else console.log(v.ok ? `Every applied migration's file is unchanged (${v.list.applied.length} applied).` : `Changed since applied:\n${v.modified.map(line).join('\n')}`);
        return v.ok ? 0 : 1;
      }
      case 'up': {
        const r = await migrateUp(app, op.principal, { dir, dryRun: values['dry-run'] }, { ...op.change, source: 'migration' });
        if (values.json) out(r);
        else if (r.dryRun) {
          for (const d of r.dryRun) {
            console.log(`${d.version} ${d.name}:`);
            printDiff({ preview: true, etag: '-', changes: d.changes, summary: d.summary });
          }
          if (!r.dryRun.length) console.log('Nothing pending.');
        } else {
          console.log(r.applied.length ? `Applied ${r.applied.join(', ')}.` : r.failed ? 'Applied none.' : 'Nothing pending.');
          if (r.failed) console.error(`Migration ${r.failed.version} failed, nothing of it was applied: ${r.failed.error}`);
        }
        return r.failed ? 1 : 0;
      }
      case 'down': {
        if (!arg) throw new UsageError('down needs the version to roll back');
        const r = await migrateDown(app, op.principal, arg, { dir }, { ...op.change, source: 'migration' });
        if (values.json) out(r);
        else console.log(`Rolled back ${r.rolledBack}.`);
        return 0;
      }
      default:
        throw new UsageError(command ? `Unknown command "${command}".` : 'Name a command.');
    }
  });
}
