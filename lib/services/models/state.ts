import 'server-only';
import type { StoredModelConfig, PresetRef } from '@/lib/engine/models/resolve';
import { providerById, type ProviderDescriptor } from '@/lib/engine/models/providers';
import type { TQuota } from '@/lib/schemas/models';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { allAccess, allConfigs, allTemplates, type ConfigRow, type TemplateRow } from './store';

/**
 * The models feature's three small tables in memory: configuration rows by provider and scope, presets,
 * and provider restrictions. Dropped on any model change (here, or by NOTIFY from another instance), so
 * the metering hot path reads nothing but its counters.
 */
export interface ModelState {
  configs: Map<string, Map<string, ConfigRow>>;
  templates: Map<string, TemplateRow>;
  access: Map<string, string[]>;
}

interface Holder {
  state: ModelState | null;
  generation: number;
}
const holders = new WeakMap<App, Holder>();

function holderOf(app: App): Holder {
  let h = holders.get(app);
  if (!h) {
    const created: Holder = { state: null, generation: 0 };
    app.caches.onChange((c) => {
      if (c.type !== 'models' && c.type !== 'scopes') return;
      created.state = null;
      created.generation++;
    });
    holders.set(app, (h = created));
  }
  return h;
}

export async function modelState(app: App): Promise<ModelState> {
  const h = holderOf(app);
  if (h.state) return h.state;
  const generation = h.generation;
  const [configs, templates, access] = await Promise.all([allConfigs(app.db), allTemplates(app.db), allAccess(app.db)]);
  const state: ModelState = { configs: new Map(), templates: new Map(templates.map((t) => [t.id, t])), access: new Map(access.map((a) => [a.scopeId, a.allowedProviders])) };
  for (const row of configs) {
    let byScope = state.configs.get(row.provider);
    if (!byScope) state.configs.set(row.provider, (byScope = new Map()));
    byScope.set(row.scopeId, row);
  }
  // a change committed while loading makes this stale: use it for this request only
  if (h.generation === generation) h.state = state;
  return state;
}

/** Per model state, at most this many entries are remembered by each memo (usage spread over more scopes: start over). */
const MEMO_ENTRIES = 5_000;

/**
 * Values derived from a model state, remembered by key (provider and scope) until the state is replaced —
 * on every model or scope change — so the metering hot path derives each once, not per call. Read-only.
 */
export function stateMemo<V>() {
  const byState = new WeakMap<ModelState, Map<string, V>>();
  return {
    get: (state: ModelState, key: string): V | undefined => byState.get(state)?.get(key),
    set(state: ModelState, key: string, value: V): V {
      let m = byState.get(state);
      if (!m) byState.set(state, (m = new Map()));
      if (m.size >= MEMO_ENTRIES) m.clear();
      m.set(key, value);
      return value;
    },
  };
}

export function providerOr404(id: string): ProviderDescriptor {
  return providerById(id) ?? fail('NOT_FOUND', `No AI model provider "${id}" (known: openai, anthropic, azure-openai, google, mistral, ollama)`, 'provider');
}

export function toStored(row: ConfigRow): StoredModelConfig {
  return {
    model: row.model,
    preset: row.preset,
    parameters: row.parameters,
    status: row.status,
    baseUrl: row.baseUrl,
    hasApiKey: row.apiKeyCiphertext !== null,
    locked: row.locked,
    version: row.version,
  };
}

export const storedMap = (rows: Iterable<ConfigRow>) => new Map([...rows].map((r) => [r.scopeId, toStored(r)]));

export function presetMap(templates: Iterable<TemplateRow>): Map<string, PresetRef> {
  return new Map([...templates].map((t) => [t.id, { id: t.id, name: t.name, provider: t.provider, parameters: t.parameters }]));
}

export const quotaOf = (row: ConfigRow | undefined): TQuota | null => row?.quota ?? null;

/** Audit key of a provider's configuration, so `GET /audit?key=models.openai` finds its history. */
export const auditKey = (provider: string) => `models.${provider}`;
