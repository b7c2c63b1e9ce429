import type { TDriftRule } from '@/lib/schemas/drift';

/**
 * The drift table every installation starts from, after the catalogs' own rows (lib/catalogs/*.ts
 * `drift`): security categories are critical, secrets a warning, everything else info; nothing is
 * restored unattended unless a catalog says so.
 */
export const DEFAULT_DRIFT_RULES: TDriftRule[] = [
  { match: 'security', severity: 'critical' },
  { match: 'secret', severity: 'warning' },
];
