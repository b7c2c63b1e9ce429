import 'server-only';
import type { App } from '../kernel/app';
import { selectSetupComplete } from './store';

export const SWITCHBOARD_VERSION = '0.1.0';

/** Public before sign-in: whether first-run setup is done (cached once it is). */
export async function isSetupComplete(app: App): Promise<boolean> {
  if (app.caches.setupComplete) return true;
  app.caches.setupComplete = await selectSetupComplete(app.db);
  return app.caches.setupComplete;
}

export async function setupStatus(app: App) {
  return { setupComplete: await isSetupComplete(app), version: SWITCHBOARD_VERSION };
}
