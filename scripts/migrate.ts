import { openApp } from './open-app';

// Opening the app applies pending migrations (drizzle/); this script just does that and reports.
const app = await openApp();
console.log(`Migrations applied (${app.database.kind}).`);
await app.close();
