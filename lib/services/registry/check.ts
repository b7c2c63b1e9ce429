import 'server-only';
import type { Executor } from '@/lib/db/client';
import { unknownRuleNames } from '@/lib/engine/cross-field';
import { conflictingKey } from '@/lib/engine/document';
import { isSecret } from '@/lib/engine/secrecy';
import { checkDefinitionRules } from '@/lib/engine/value-schema';
import { ZDefinition, type TDefinition } from '@/lib/schemas/definition';
import { fail } from '../kernel/errors';
import { selectLevelKeys } from './store';

/** Checks a definition against the registry around it: rules, levels, category, references. */
export async function checkDefinition(tx: Executor, def: TDefinition, knownKeys: Set<string>) {
  const issues = [...checkDefinitionRules(def), ...unknownRuleNames(def).map((n) => ({ rule: 'rules', message: `Unknown cross-field rule "${n}"`, path: 'validation.rules' }))];
  if (issues.length) fail('INVALID_REQUEST', `Definition ${def.key}: ${issues[0].message}`, issues[0].path ?? 'defaultValue', { issues });
  const levels = new Set([...(await selectLevelKeys(tx)), 'user']);
  const badLevel = def.allowedLevels.find((l) => !levels.has(l));
  if (badLevel) fail('INVALID_REQUEST', `Definition ${def.key}: no hierarchy level "${badLevel}"`, 'allowedLevels');
  // nested documents need every key to be a leaf: "a.b" and "a.b.c" cannot both exist
  const clash = conflictingKey(def.key, [...knownKeys].filter((k) => k !== def.key));
  if (clash) fail('CONFLICT', `Setting "${def.key}" clashes with "${clash}" (one is a prefix of the other)`, 'key');
  const showWhen = def.ui?.showWhen?.settingKey;
  for (const ref of [...(def.dependsOn ?? []), ...(showWhen ? [showWhen] : [])]) {
    if (!knownKeys.has(ref)) fail('INVALID_REQUEST', `Definition ${def.key} refers to unknown setting "${ref}"`, 'dependsOn');
  }
}

export function parseDefinition(input: unknown): TDefinition {
  const r = ZDefinition.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    fail('INVALID_REQUEST', `${i.path.join('.') || 'definition'}: ${i.message}`, i.path.join('.') || undefined);
  }
  // a secret-typed setting is secret whatever the flag says; answer what is stored
  return { ...r.data, isSecret: isSecret(r.data) };
}
