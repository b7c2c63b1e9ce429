/** What the command palette searches: every setting of the registry, with its category's label. */
export interface SettingEntry {
  key: string;
  label: string;
  description: string;
  category: string;
  categoryLabel: string;
}

/**
 * Settings matching every word of `query` in their key, label or description: label or key starting with the
 * query first, then those containing it, then matches elsewhere; registry order within each rank.
 */
export function searchSettings(entries: SettingEntry[], query: string, limit = 50): SettingEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return entries.slice(0, limit);
  const words = q.split(/\s+/);
  const ranked: [number, SettingEntry][] = [];
  for (const e of entries) {
    const name = `${e.label}\n${e.key}`.toLowerCase();
    if (!words.every((w) => name.includes(w) || e.description.toLowerCase().includes(w))) continue;
    const rank = e.label.toLowerCase().startsWith(q) || e.key.toLowerCase().startsWith(q) ? 0 : name.includes(q) ? 1 : 2;
    ranked.push([rank, e]);
  }
  // Array.prototype.sort is stable: registry order survives within a rank
  return ranked
    .sort((a, b) => a[0] - b[0])
    .slice(0, limit)
    .map(([, e]) => e);
}
