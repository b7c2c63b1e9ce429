/** The Switchboard SDK (`npm run sdk:build` → dist/sdk): settings and flags answered in-process. */
export { createSwitchboard, type Switchboard } from './client';
export { LocalFlags } from './local';
export type { FlagEvaluation, FlagRule } from '@/lib/engine/flags';
export type { TSdkSnapshot as Snapshot } from '@/lib/schemas/sdk';
export { SwitchboardError, type ChangeEvent, type EvalContext, type SettingKey, type SettingValue, type SwitchboardOptions, type SwitchboardSettings, type SwitchboardStatus } from './types';
