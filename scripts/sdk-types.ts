/**
 * `npm run sdk:types -- --catalog accreditation --out switchboard-settings.d.ts`
 * `npm run sdk:types -- --url https://switchboard.example.com --token $TOKEN --out switchboard-settings.d.ts`
 *
 * Writes the declaration that types the SDK's keys (lib/sdk/typegen.ts), from an example catalog
 * (lib/catalogs) or from a running server's registry (`GET /api/v1/definitions`, any signed-in token).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { catalogNames, getCatalog } from '@/lib/catalogs';
import { settingsDeclaration, type TypedDefinition } from '@/lib/sdk/typegen';

const { values } = parseArgs({
  options: {
    catalog: { type: 'string' },
    url: { type: 'string' },
    token: { type: 'string', default: process.env.SWITCHBOARD_TOKEN },
    out: { type: 'string', default: 'switchboard-settings.d.ts' },
    module: { type: 'string', default: '@switchboard/sdk' },
  },
});

async function fromServer(url: string, token: string): Promise<TypedDefinition[]> {
  const defs: TypedDefinition[] = [];
  for (let offset = 0; ; offset += 500) {
    const res = await fetch(new URL(`/api/v1/definitions?limit=500&offset=${offset}`, url), { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json().catch(() => ({}))) as { definitions?: TypedDefinition[]; total?: number; error?: { message: string } };
    if (!res.ok || !body.definitions) throw new Error(`${url} answered ${res.status}: ${body.error?.message ?? 'not a definition list'}`);
    defs.push(...body.definitions);
    if (defs.length >= (body.total ?? 0) || body.definitions.length === 0) return defs;
  }
}

async function main() {
  let defs: TypedDefinition[];
  let source: string;
  if (values.catalog) {
    const catalog = getCatalog(values.catalog);
    if (!catalog) throw new Error(`No catalog "${values.catalog}"; known: ${catalogNames().join(', ')}`);
    defs = catalog.definitions;
    source = `the "${catalog.name}" catalog`;
  } else if (values.url) {
    if (!values.token) throw new Error('--url needs --token (or SWITCHBOARD_TOKEN): an API token of any signed-in user');
    defs = await fromServer(values.url, values.token);
    source = values.url;
  } else {
    throw new Error('Say where the registry comes from: --catalog <name> or --url <server> --token <token>');
  }
  writeFileSync(values.out!, settingsDeclaration(defs, values.module!, source));
  console.log(`${defs.length} keys typed in ${values.out}`);
}

main().catch((e: Error) => {
  console.error(`sdk:types: ${e.message}`);
  process.exit(1);
});
