import { SYSTEM_PRINCIPAL } from '@/lib/auth/policy';
import { catalogNames } from '@/lib/catalogs';
import { loadCatalog } from '@/lib/services/registry/catalogs';
import { CLI_CONTEXT, openApp } from './open-app';

const name = process.argv[2];
if (!name) {
  console.error(`Usage: npm run catalog:load -- <name>   (one of: ${catalogNames().join(', ')})`);
  process.exit(2);
}
const app = await openApp();
try {
  const result = await loadCatalog(app, SYSTEM_PRINCIPAL, name, CLI_CONTEXT);
  console.log(`Loaded catalog "${result.catalog}" into ${app.database.kind}: ${result.created} created, ${result.updated} updated.`);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await app.close();
}
