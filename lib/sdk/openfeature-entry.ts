/** `<package>/openfeature`: the OpenFeature server providers (needs @openfeature/server-sdk). */
export { SwitchboardLocalProvider } from './openfeature-local';
export { SwitchboardProvider, type SwitchboardProviderOptions } from './openfeature';
export { featureGate, withFeatureGate, type FeatureGateOptions, type FlagClient } from './feature-gate';
