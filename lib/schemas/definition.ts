import { z } from 'zod';
import { LEVEL_KEY_PATTERN, SETTING_KEY_PATTERN } from '@/lib/engine/patterns';
import { ZLevelKey, ZSettingKey } from './common';
import type { TDriftRule } from './drift';
import type { TCatalogFlag } from './flags';

export { LEVEL_KEY_PATTERN, SETTING_KEY_PATTERN, ZLevelKey, ZSettingKey };

/** The value types a setting can have (API.md "Definitions"). */
export const SETTING_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'json',
  'enum',
  'multiselect',
  'url',
  'email',
  'secret',
  'duration',
  'cidr-list',
] as const;
export const ZSettingType = z.enum(SETTING_TYPES);
export type TSettingType = z.infer<typeof ZSettingType>;

export const ZOverrideBehavior = z.enum(['inherit', 'explicitOnly', 'allowSkipLevel']);
export type TOverrideBehavior = z.infer<typeof ZOverrideBehavior>;

export const ZDefinitionSource = z.enum(['code', 'seed', 'ui']);
export type TDefinitionSource = z.infer<typeof ZDefinitionSource>;

/** Validation rules a definition may carry; any that apply to its type are enforced. */
export const ZValidation = z
  .strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().nonnegative().optional(),
    /** A regular expression (JavaScript syntax, no flags) every string (or list item) must match. */
    pattern: z.string().max(500).optional(),
    /** Allowed values for enum / multiselect (and string, if given). */
    enum: z.array(z.union([z.string(), z.number()])).optional(),
    /** url (and list-of-url) values must use https. */
    httpsOnly: z.boolean().optional(),
    /** Lists of numbers must be strictly ascending (e.g. alert levels). */
    ascending: z.boolean().optional(),
    /** Element type for json arrays / multiselect. */
    itemType: z.enum(['string', 'number', 'integer', 'boolean', 'url', 'email']).optional(),
    /** A JSON Schema (subset: type, properties, required, items, enum, minimum, maximum, minLength, maxLength, pattern, additionalProperties). */
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    /** Names of cross-field rules registered in code (lib/engine/cross-field.ts). */
    rules: z.array(z.string()).optional(),
  })
  .describe('Validation rules');
export type TValidation = z.infer<typeof ZValidation>;

export const ZUiHints = z.strictObject({
  control: z
    .enum(['text', 'textarea', 'number', 'toggle', 'select', 'multiselect', 'json', 'password', 'duration', 'cidr', 'color', 'date'])
    .optional(),
  placeholder: z.string().optional(),
  helpText: z.string().optional(),
  options: z.array(z.strictObject({ value: z.union([z.string(), z.number()]), label: z.string() })).optional(),
  showWhen: z.strictObject({ settingKey: ZSettingKey, equals: z.unknown() }).optional(),
  unit: z.string().optional(),
});
export type TUiHints = z.infer<typeof ZUiHints>;

/** A setting definition as stored in the registry. */
export const ZDefinition = z.strictObject({
  key: ZSettingKey,
  label: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  category: z.string().min(1).max(100),
  group: z.string().max(100).optional(),
  type: ZSettingType,
  defaultValue: z.unknown(),
  validation: ZValidation.optional(),
  ui: ZUiHints.optional(),
  /** Hierarchy level keys this setting may be set at (e.g. ["global","tenant","event"], or with "user" for preferences). */
  allowedLevels: z.array(ZLevelKey).min(1),
  isSecret: z.boolean().default(false),
  requiresRestart: z.boolean().default(false),
  readonly: z.boolean().default(false),
  overrideBehavior: ZOverrideBehavior.default('inherit'),
  /** Keys this setting depends on (documentation + showWhen; cross-field rules are in validation.rules). */
  dependsOn: z.array(ZSettingKey).optional(),
  source: ZDefinitionSource.default('ui'),
});
export type TDefinition = z.output<typeof ZDefinition>;
export type TDefinitionInput = z.input<typeof ZDefinition>;

/** A category of settings; `security` categories may only be written by admins (seed 001: owners cannot). */
export const ZCategory = z.strictObject({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,99}$/),
  label: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  security: z.boolean().default(false),
});
export type TCategory = z.output<typeof ZCategory>;
export type TCategoryInput = z.input<typeof ZCategory>;

/** An example catalog: categories (in display order) and their definitions (in display order). */
export interface Catalog {
  name: string;
  title: string;
  description: string;
  /** Hierarchy levels the catalog needs beyond the built-in global → tenant → event (+ user). */
  levels?: { key: string; label: string; parentKey: string }[];
  categories: TCategoryInput[];
  definitions: TDefinitionInput[];
  /** Feature flags, created at global when missing (an admin's later changes are kept on reload). */
  flags?: TCatalogFlag[];
  /** The drift table (seed 003 §5.5): severity and auto-remediation per key, first match wins. */
  drift?: TDriftRule[];
}
