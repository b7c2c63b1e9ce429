import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { getRegistry } from '../registry/read';
import { GLOBAL_PATH, resolveInternal } from '../settings/resolve';

/** The built-in definitions (migration `maintenance`): present with or without a catalog. */
export const MAINTENANCE_ENABLED = 'maintenance.enabled';
export const MAINTENANCE_MESSAGE = 'maintenance.message';
export const isMaintenanceKey = (key: string) => key === MAINTENANCE_ENABLED || key === MAINTENANCE_MESSAGE;

const DEFAULT_MESSAGE = 'Switchboard is in maintenance mode: changes are paused for now.';

export interface MaintenanceState {
  enabled: boolean;
  message: string;
}

/** Maintenance is a global switch: both values resolved at global (through the in-process cache). */
export async function maintenanceState(app: App): Promise<MaintenanceState> {
  const registry = await getRegistry(app);
  const enabledDef = registry.byKey.get(MAINTENANCE_ENABLED);
  const messageDef = registry.byKey.get(MAINTENANCE_MESSAGE);
  const enabled = enabledDef ? (await resolveInternal(app, enabledDef, { path: GLOBAL_PATH })).value === true : false;
  const message = messageDef ? (await resolveInternal(app, messageDef, { path: GLOBAL_PATH })).value : undefined;
  return { enabled, message: typeof message === 'string' && message.trim() ? message : DEFAULT_MESSAGE };
}

/**
 * Refuses a change while maintenance mode is on, to whoever the policy does not let work through it
 * (platform admins: `maintenance.bypass`), with 503 UNAVAILABLE and the operator's message.
 */
export async function refuseDuringMaintenance(app: App, principal: Principal | null): Promise<void> {
  if (principal && can(principal, 'maintenance.bypass')) return;
  const state = await maintenanceState(app);
  if (state.enabled) fail('UNAVAILABLE', state.message, undefined, { maintenance: true });
}
