export const AUDIT_SOURCES = ['manual', 'api', 'import', 'migration', 'auto_remediation', 'restore', 'rollback', 'setup', 'catalog', 'schedule'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

export interface Actor {
  id: string | null;
  name: string | null;
  role: string | null;
}

/** Who is acting and from where: passed from the HTTP layer down to every write. */
export interface ChangeContext {
  actor: Actor;
  source: AuditSource;
  ip?: string | null;
  at?: Date;
  /** Groups the entries of one logical change (import, restore …) written in several calls; else each call is one change set. */
  changeSetId?: string;
}

/** One entry a change asks to record. */
export interface AuditInput {
  action: string;
  key?: string | null;
  scopeId?: string | null;
  level?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  newCiphertext?: string | null;
  reason?: string | null;
  version?: number | null;
  details?: Record<string, unknown> | null;
  /** Overrides the context's source (e.g. 'rollback'). */
  source?: AuditSource;
}
