/** The pure engine: validation, cross-field rules, resolution, nested documents, hierarchy, feature flags. */
export type * from './types';
export { valueSchemaFor, validateValue, coerceValue, checkDefinitionRules, allowedValues, formatIssuePath, MAX_JSON_DEPTH } from './value-schema';
export { registerCrossFieldRule, checkCrossFieldRules, unknownRuleNames, type CrossFieldRule, type CrossFieldContext } from './cross-field';
export { resolveSetting, canSetAtLevel, blockingLock, USER_SCOPE_PREFIX } from './resolve';
export {
  flattenDocument,
  unflattenValues,
  hasForbiddenKey,
  conflictingKey,
  FORBIDDEN_KEYS,
  type DocumentError,
  type FlattenResult,
} from './document';
export {
  BUILTIN_LEVELS,
  GLOBAL_LEVEL,
  USER_LEVEL,
  SCOPE_ID_PATTERN,
  isValidScopeId,
  parseUserScope,
  validateNewLevel,
  orderLevels,
  validateScopePlacement,
  type HierarchyLevel,
  type LevelInput,
} from './hierarchy';
export { parseDuration, formatDuration } from './duration';
export { isCidr } from './cidr';
export { checkJsonSchema, jsonSchemaProblems } from './json-schema';
export { evaluateFlag, effectiveRule, flagBuckets, pickVariant, flagRuleProblems, dependencyCycle, type FlagRule, type FlagContext, type FlagEvaluation } from './flags';
