import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { operatorPrincipal, type Principal } from '@/lib/auth/policy';
import { readEnvOrExit } from '@/lib/env';
import type { ChangeContext } from '@/lib/services/audit/types';
import type { App } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { openApp } from '../open-app';

/**
 * What the operator CLIs (`npm run settings`, `npm run settings:migrate`) share: the principal they act as
 * (a platform admin's rights, named after the OS user: whoever runs them holds the database and its key),
 * argument parsing with clear usage errors, and exit codes (0 done, 1 refused or failed, 2 bad usage).
 */

export class UsageError extends Error {}

export interface Operator {
  principal: Principal;
  change: ChangeContext;
}

export function operator(): Operator {
  const principal = operatorPrincipal(`${os.userInfo().username}@${os.hostname()}`);
  return { principal, change: { actor: { id: principal.userId, name: principal.name, role: 'platform_admin' }, source: 'manual', ip: null } };
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Opens the database (embedded under SWITCHBOARD_DATA_DIR, or DATABASE_URL), runs, closes, exits with a code. */
export async function runCli(usage: string, main: (app: App, op: Operator) => Promise<number>): Promise<void> {
  readEnvOrExit();
  let app: App | null = null;
  try {
    app = await openApp();
    process.exitCode = await main(app, operator());
  } catch (e) {
    process.exitCode = report(e, usage);
  } finally {
    await app?.close();
  }
}

function report(e: unknown, usage: string): number {
  if (e instanceof UsageError) {
    console.error(`${e.message}\n\n${usage}`);
    return 2;
  }
  if (e instanceof ServiceError) {
    console.error(`error ${e.code}: ${e.message}${e.field ? ` (${e.field})` : ''}`);
    const invalid = (e.details as { invalid?: { key: string; scope: string; error?: { message: string } }[] } | undefined)?.invalid;
    for (const i of invalid ?? []) console.error(`  invalid ${i.key}${i.scope ? ` at ${i.scope}` : ''}: ${i.error?.message}`);
    return 1;
  }
  const msg = (e as Error)?.message ?? String(e);
  // PGlite keeps one process per data directory: a running server holds it
  console.error(`error: ${msg}${process.env.DATABASE_URL ? '' : '\n(embedded database: stop the server that uses this data directory first)'}`);
  return 1;
}
