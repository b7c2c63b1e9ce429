import type { TDefinition } from '@/lib/schemas/definition';

/** What responses show instead of a secret value. */
export const MASK = '********';
/** What the audit log records instead of a secret value. */
export const REDACTED = '[REDACTED]';

/** THE rule for "is this setting secret": a secret-typed setting is, whatever its flag says. */
export const isSecret = (def: Pick<TDefinition, 'type' | 'isSecret'>): boolean => def.isSecret || def.type === 'secret';
