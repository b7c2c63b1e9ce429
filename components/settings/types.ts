import type { settingsSchema } from '@/lib/services/settings/schema';

/** GET /settings/schema as the settings page gets it from the service (types only: nothing server-side is bundled). */
export type SettingsSchema = Awaited<ReturnType<typeof settingsSchema>>;
export type CategoryView = SettingsSchema['categories'][number];
export type SettingView = CategoryView['groups'][number]['settings'][number];

export interface ScopeNode {
  id: string;
  level: string;
  parentId: string | null;
  name: string;
}

export interface LevelInfo {
  key: string;
  label: string;
  parentKey: string | null;
}

/** The scope the page shows, as the setting rows need it. */
export interface ScopeContext {
  id: string;
  level: string;
  /** Levels below this scope's level: where a lock here takes effect. */
  lowerLevels: string[];
  levelLabel(level: string): string;
  scopeName(id: string): string;
}
