import type { TSettingsSchema } from '@/lib/schemas/api';
import type { TLevel, TScope } from '@/lib/schemas/registry';

/** GET /settings/schema, as the settings page gets it. */
export type CategoryView = TSettingsSchema['categories'][number];
export type SettingView = CategoryView['groups'][number]['settings'][number];

/** A scope node as the navigator shows it. */
export type ScopeNode = Pick<TScope, 'id' | 'level' | 'parentId' | 'name'>;

export type LevelInfo = Pick<TLevel, 'key' | 'label' | 'parentKey'>;

/** The scope the page shows, as the setting rows need it. */
export interface ScopeContext {
  id: string;
  level: string;
  /** Levels below this scope's level: where a lock here takes effect. */
  lowerLevels: string[];
  levelLabel(level: string): string;
  scopeName(id: string): string;
}
