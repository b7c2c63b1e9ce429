/**
 * `npm run sdk:build`: lib/sdk as a standalone package in dist/sdk (ESM + .d.ts, its own package.json),
 * installable by path: `npm install /path/to/switchboard/dist/sdk`. lib/engine's flag rule and
 * lib/schemas/sdk are bundled in (the same code the server runs); zod is a dependency, and
 * @openfeature/server-sdk an optional peer for the `/openfeature` entry.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/sdk');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

rmSync(out, { recursive: true, force: true });
execFileSync(
  path.join(root, 'node_modules/.bin/tsup'),
  ['lib/sdk/index.ts', 'lib/sdk/openfeature-entry.ts', '--format', 'esm', '--dts', '--target', 'node20', '--platform', 'node', '--out-dir', out, '--tsconfig', 'tsconfig.sdk.json', '--external', 'zod', '--external', '@openfeature/server-sdk', '--no-config'],
  { cwd: root, stdio: 'inherit' },
);
writeFileSync(
  path.join(out, 'package.json'),
  JSON.stringify(
    {
      name: '@switchboard/sdk',
      version: pkg.version,
      description: 'Switchboard SDK: settings and feature flags answered in-process from a snapshot kept current by the change stream',
      type: 'module',
      engines: { node: '>=20.19' },
      exports: {
        '.': { types: './index.d.ts', import: './index.js' },
        './openfeature': { types: './openfeature-entry.d.ts', import: './openfeature-entry.js' },
      },
      types: './index.d.ts',
      dependencies: { zod: pkg.dependencies.zod },
      peerDependencies: { '@openfeature/server-sdk': pkg.dependencies['@openfeature/server-sdk'] },
      peerDependenciesMeta: { '@openfeature/server-sdk': { optional: true } },
    },
    null,
    2,
  ) + '\n',
);
console.log(`SDK package written to ${path.relative(process.cwd(), out) || '.'}`);
