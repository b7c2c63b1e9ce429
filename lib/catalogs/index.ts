import type { Catalog } from '@/lib/schemas/definition';
import { accreditationCatalog } from './accreditation';
import { aiPlatformCatalog } from './ai-platform';
import { groundupCatalog } from './groundup';
import { ironControlPanelCatalog } from './iron-control-panel';
import { kidneyGeneticsCatalog } from './kidney-genetics';

export { accreditationCatalog, aiPlatformCatalog, groundupCatalog, ironControlPanelCatalog, kidneyGeneticsCatalog };

/** The example catalogs, keyed by name (what `POST /setup/bootstrap { catalog }` accepts). */
export const CATALOGS: Record<string, Catalog> = {
  [accreditationCatalog.name]: accreditationCatalog,
  [ironControlPanelCatalog.name]: ironControlPanelCatalog,
  [kidneyGeneticsCatalog.name]: kidneyGeneticsCatalog,
  [groundupCatalog.name]: groundupCatalog,
  [aiPlatformCatalog.name]: aiPlatformCatalog,
};

export function getCatalog(name: string): Catalog | undefined {
  return Object.prototype.hasOwnProperty.call(CATALOGS, name) ? CATALOGS[name] : undefined;
}

export function catalogNames(): string[] {
  return Object.keys(CATALOGS);
}
