import type { TAuditEntry } from '@/lib/schemas/api';
import type { TDefinition } from '@/lib/schemas/definition';
import type { AuditSource } from '../audit/types';

export type WriteOp =
  | { kind: 'set'; key: string; scope: string; value: unknown; lock?: boolean; skipTo?: string; ifMatch?: number }
  | { kind: 'revert'; key: string; scope: string; ifMatch?: number };

export interface WriteOptions {
  reason?: string;
  /** Overrides the request's audit source (rollback, import …). */
  source?: AuditSource;
  /** false: apply the valid items, report the others (bulk with atomic: false). */
  atomic?: boolean;
}

export interface WriteResult {
  key: string;
  scope: string;
  kind: 'set' | 'revert';
  created: boolean;
  def: TDefinition;
  value: unknown;
  locked: boolean;
  version: number;
  audit: TAuditEntry;
}

export interface WriteOutcome {
  results: WriteResult[];
  errors: { key: string; scope: string; error: { code: string; message: string; field?: string; details?: unknown } }[];
}
