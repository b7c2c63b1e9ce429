import type { ScopeRef } from '../types';
import { defaultParameters, type ProviderDescriptor } from './providers';

/**
 * Resolves one provider's configuration at a scope, like a setting: each field comes from the most
 * specific scope on the path that sets it, an ancestor's lock shadows everything below it, and every
 * field says where it came from. Parameters also come from presets: at each scope a parameter set
 * there wins over the preset chosen there, which wins over anything further up.
 */

export type Status = 'active' | 'inactive';

/** What one scope stores for one provider (a model_configurations row, as the engine sees it). */
export interface StoredModelConfig {
  model: string | null;
  preset: string | null;
  parameters: Record<string, unknown>;
  status: Status | null;
  baseUrl: string | null;
  hasApiKey: boolean;
  locked: boolean;
  version: number;
}

export interface PresetRef {
  id: string;
  name: string;
  provider: string;
  parameters: Record<string, unknown>;
}

/** `resolvedFrom`: a level key (`global`, `tenant`, …), `preset`, or `default`. */
export interface Sourced<T> {
  value: T;
  resolvedFrom: string;
  scopeId: string | null;
}

export interface ResolvedParameter extends Sourced<unknown> {
  /** The preset the value came from (resolvedFrom `preset`). */
  preset?: string;
}

export interface ResolvedModelConfig {
  provider: string;
  model: Sourced<string>;
  status: Sourced<Status>;
  preset: Sourced<string | null>;
  baseUrl: Sourced<string | null>;
  /** Whether a key is set, and where (the key itself never leaves the service unasked). */
  apiKey: Sourced<boolean>;
  parameters: Record<string, ResolvedParameter>;
  /** The scope whose lock forbids overrides below it, if any. */
  lockedAt: string | null;
}

/** Unconfigured providers are off: using one is a decision somebody makes. */
export const DEFAULT_STATUS: Status = 'inactive';

/** The path entries whose rows count: up to (and including) the highest lock, most specific first. */
export function effectivePath(path: readonly ScopeRef[], rows: ReadonlyMap<string, StoredModelConfig>): { path: ScopeRef[]; lockedAt: string | null } {
  for (let i = path.length - 1; i >= 0; i--) {
    if (rows.get(path[i].scopeId)?.locked) return { path: path.slice(i), lockedAt: path[i].scopeId };
  }
  return { path: [...path], lockedAt: null };
}

/** The scope whose lock refuses a write at `path[0]`: a locked ancestor (the scope's own lock does not block it). */
export function blockingModelLock(path: readonly ScopeRef[], rows: ReadonlyMap<string, StoredModelConfig>): string | null {
  for (let i = path.length - 1; i >= 1; i--) if (rows.get(path[i].scopeId)?.locked) return path[i].scopeId;
  return null;
}

export function resolveModelConfig(
  provider: ProviderDescriptor,
  fullPath: readonly ScopeRef[],
  rows: ReadonlyMap<string, StoredModelConfig>,
  presets: ReadonlyMap<string, PresetRef>,
): ResolvedModelConfig {
  const { path, lockedAt } = effectivePath(fullPath, rows);
  const set = path.flatMap((p) => {
    const row = rows.get(p.scopeId);
    return row ? [{ ref: p, row }] : [];
  });
  const pick = <T>(get: (r: StoredModelConfig) => T | null, fallback: T): Sourced<T> => {
    for (const { ref, row } of set) {
      const v = get(row);
      if (v !== null) return { value: v, resolvedFrom: ref.level, scopeId: ref.scopeId };
    }
    return { value: fallback, resolvedFrom: 'default', scopeId: null };
  };

  const parameters: Record<string, ResolvedParameter> = {};
  for (const [name, value] of Object.entries(defaultParameters(provider))) parameters[name] = { value, resolvedFrom: 'default', scopeId: null };
  // most general first, so a more specific scope (or its preset) overwrites
  for (const { ref, row } of [...set].reverse()) {
    const preset = row.preset ? presets.get(row.preset) : undefined;
    if (preset) {
      for (const [name, value] of Object.entries(preset.parameters)) parameters[name] = { value, resolvedFrom: 'preset', scopeId: ref.scopeId, preset: preset.id };
    }
    for (const [name, value] of Object.entries(row.parameters)) parameters[name] = { value, resolvedFrom: ref.level, scopeId: ref.scopeId };
  }

  return {
    provider: provider.id,
    model: pick((r) => r.model, provider.defaultModel),
    status: pick((r) => r.status, DEFAULT_STATUS),
    preset: pick<string | null>((r) => r.preset, null),
    baseUrl: pick<string | null>((r) => r.baseUrl, provider.defaultBaseUrl),
    apiKey: pick((r) => (r.hasApiKey ? true : null), false),
    parameters: Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b))),
    lockedAt,
  };
}

/**
 * The providers a scope may use: each scope on the path may narrow the list, never widen what an
 * ancestor allowed. null: no restriction anywhere.
 */
export function allowedProviders(path: readonly ScopeRef[], lists: ReadonlyMap<string, readonly string[] | null>): { allowed: string[] | null; restrictedAt: string | null } {
  let allowed: string[] | null = null;
  let restrictedAt: string | null = null;
  for (let i = path.length - 1; i >= 0; i--) {
    const list = lists.get(path[i].scopeId);
    if (!list) continue;
    allowed = allowed === null ? [...list] : allowed.filter((p) => list.includes(p));
    restrictedAt = path[i].scopeId;
  }
  return { allowed, restrictedAt };
}
