import type { TDriftRule } from '@/lib/schemas/drift';
import { CATALOGS } from './index';

/**
 * The drift table every installation starts from, after the catalogs' own rows (lib/catalogs/*.ts
 * `drift`): security categories are critical, secrets a warning, everything else info; nothing is
 * restored unattended unless a catalog says so.
 */
export const DEFAULT_DRIFT_RULES: TDriftRule[] = [
  { match: 'security', severity: 'critical' },
  { match: 'secret', severity: 'warning' },
];

/** Every catalog's drift rows (their keys do not overlap), then the defaults. */
export function driftRules(): TDriftRule[] {
  return [...Object.values(CATALOGS).flatMap((c) => c.drift ?? []), ...DEFAULT_DRIFT_RULES];
}
