import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { getApp } from '@/lib/services/kernel/app';
import { getRegistry } from '@/lib/services/registry/read';
import { listPreferences } from '@/lib/services/preferences/read';
import { publicDefinition } from '@/lib/services/kernel/secrecy';
import { PreferencesEditor, type PreferenceSection } from '@/components/preferences/preferences-editor';

export const metadata: Metadata = { title: 'Preferences' };

/** Every signed-in user's own preferences (seed 003 §6.4): the settings allowed at the user level, by category. */
export default async function PreferencesPage() {
  const principal = await requirePage('/preferences');
  const app = await getApp();
  const [registry, initial] = await Promise.all([getRegistry(app), listPreferences(app, principal, {})]);
  const sections = new Map<string, PreferenceSection>();
  const mixed = new Set<string>(); // categories that hold other settings too
  // the registry is already in category order, then definition order
  for (const def of registry.definitions) {
    if (!def.allowedLevels.includes('user')) {
      mixed.add(def.category);
      continue;
    }
    let section = sections.get(def.category);
    if (!section) {
      const category = registry.categoryByKey.get(def.category);
      sections.set(def.category, (section = { key: def.category, label: category?.label ?? def.category, description: category?.description, definitions: [] }));
    }
    section.definitions.push(publicDefinition(def));
  }
  // categories of preferences only (Appearance, Notifications) first; a mixed one's description is about its other settings
  const all = [...sections.values()];
  const ordered = [...all.filter((s) => !mixed.has(s.key)), ...all.filter((s) => mixed.has(s.key)).map((s) => ({ ...s, description: undefined }))];
  return <PreferencesEditor sections={ordered} initial={initial} />;
}
