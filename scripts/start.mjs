// `npm start`: build first when there is no production build or the sources changed since, then serve (server.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_ARGS } from './server-args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const next = path.join(root, 'node_modules', '.bin', 'next');
const buildId = path.join(root, '.next', 'BUILD_ID');
const SOURCES = ['app', 'components', 'lib', 'drizzle', 'next.config.mjs', 'package.json'];
const port = process.env.PORT || '3000';

/** Newest mtime under a path; directory mtimes count too, so deleted files trigger a rebuild. Tests don't. */
function newestMtime(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function staleReason() {
  if (!existsSync(buildId)) return 'no production build yet';
  const built = statSync(buildId).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(root, s)) > built);
  return changed && `${changed} changed since the last build`;
}

function describeDatabase() {
  const url = process.env.DATABASE_URL;
  if (!url) return `embedded PGlite in ${path.resolve(root, process.env.SWITCHBOARD_DATA_DIR || '.data')}`;
  try {
    const { host, pathname } = new URL(url); // never print the credentials
    return `PostgreSQL at ${host}${pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

if (!existsSync(next)) {
  console.error('[switchboard] node_modules/.bin/next is missing: run `npm install` first');
  process.exit(1);
}

// the configuration first: a mistake there should not wait for a build to be reported (lib/env.ts, exit 78)
const check = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-env.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.server.json' },
});
if (check.status !== 0) process.exit(check.status ?? 1);

const reason = staleReason();
if (reason) {
  console.log(`[switchboard] building (${reason})…`);
  const build = spawnSync(next, ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

console.log(`[switchboard] database: ${describeDatabase()}`);
// server.ts: Next for the pages, the API router directly for /api/v1 (see its header)
// (TypeScript loaded in-process by tsx, with tsconfig.server.json's paths)
const server = spawn(process.execPath, SERVER_NODE_ARGS, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production', PORT: port, TSX_TSCONFIG_PATH: 'tsconfig.server.json' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
