/** Shared types of the pure settings engine. No I/O here or anywhere under lib/engine. */

/** A value stored at one scope for one key (setting_values row, decrypted). */
export interface StoredValue {
  value: unknown;
  /** An ancestor's locked value wins over everything below it. */
  locked: boolean;
  version: number;
  /** allowSkipLevel only: "inherit from this ancestor level, skipping the levels in between". value is ignored. */
  skipTo?: string | null;
}

/** One node on the path from the requested scope up to global. */
export interface ScopeRef {
  scopeId: string;
  level: string;
}

export interface ChainLink {
  level: string;
  scopeId: string | null;
  /** The value stored there, or null when nothing is stored there. For the default link, the default. */
  value: unknown;
  locked?: boolean;
  /** The link was passed over (explicitOnly ancestors, levels jumped by skipTo, or values shadowed by a lock). */
  skipped?: boolean;
  skipTo?: string;
}

export interface Resolution {
  value: unknown;
  /** The level the value came from ('user', 'event', 'tenant', a custom level, 'global') or 'default'. */
  resolvedFrom: string;
  resolvedScopeId: string | null;
  /** Every level checked, most specific first, the matching one last. */
  inheritanceChain: ChainLink[];
  /** The version of the stored value that won (0 for the default). */
  version: number;
  /** The scope whose locked value won (set whenever the winning value is locked, incl. a lock at the requested scope). */
  lockedBy?: string;
}

export interface ValidationIssue {
  /** Key path for nested values (e.g. "providers.webhook_url" or "[2]"), if any. */
  path?: string;
  message: string;
  /** The rule that failed: type, min, max, minLength, maxLength, pattern, enum, httpsOnly, ascending, itemType, jsonSchema, unique (multiselect repeats), or a cross-field rule name. */
  rule: string;
}

export type ValidationResult = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };
