import { isSecret } from '@/lib/engine/secrecy';
import type { TDefinition } from '@/lib/schemas/definition';
import type { DefinitionInsert, DefinitionRow } from './store';

// A definition as stored and as the API shows it: the one mapping each way (the registry and imports share it).

export function rowToDefinition(r: DefinitionRow): TDefinition {
  const def: TDefinition = {
    key: r.key,
    label: r.label,
    description: r.description,
    category: r.category,
    type: r.type as TDefinition['type'],
    defaultValue: r.defaultValue,
    allowedLevels: r.allowedLevels,
    isSecret: r.isSecret,
    requiresRestart: r.requiresRestart,
    readonly: r.readonly,
    overrideBehavior: r.overrideBehavior as TDefinition['overrideBehavior'],
    source: r.source as TDefinition['source'],
  };
  if (r.group) def.group = r.group;
  if (r.validation) def.validation = r.validation as TDefinition['validation'];
  if (r.ui) def.ui = r.ui as TDefinition['ui'];
  if (r.dependsOn) def.dependsOn = r.dependsOn;
  return def;
}

export function definitionToRow(def: TDefinition, position: number): DefinitionInsert {
  return {
    key: def.key,
    label: def.label,
    description: def.description,
    category: def.category,
    group: def.group ?? null,
    type: def.type,
    defaultValue: def.defaultValue ?? null,
    validation: def.validation ?? null,
    ui: def.ui ?? null,
    allowedLevels: def.allowedLevels,
    isSecret: isSecret(def),
    requiresRestart: def.requiresRestart,
    readonly: def.readonly,
    overrideBehavior: def.overrideBehavior,
    dependsOn: def.dependsOn ?? null,
    source: def.source,
    position,
  };
}

