/**
 * An OpenFeature server provider that evaluates LOCALLY from a Switchboard SDK client (one snapshot, kept
 * current by the change stream), beside the remote SwitchboardProvider (./openfeature.ts) that asks the
 * server on every evaluation. A change on the server emits PROVIDER_CONFIGURATION_CHANGED with the keys.
 *
 *   const sb = await createSwitchboard({ url, token, context: { tenantId } });
 *   await OpenFeature.setProviderAndWait(new SwitchboardLocalProvider(sb));
 *   await OpenFeature.getClient().getBooleanValue('feature.newDashboard', false, { targetingKey: userId, role });
 *
 * Reasons map as the OFREP endpoint maps them (API.md); Switchboard's own is in `flagMetadata.reason`.
 */
import {
  FlagNotFoundError,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  TargetingKeyMissingError,
  TypeMismatchError,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { FlagEvaluation } from '@/lib/engine/flags';
import type { Switchboard } from './client';

const kindOf = (v: unknown) => (v === null || Array.isArray(v) ? 'object' : typeof v);

function reasonOf(e: FlagEvaluation): string {
  if (e.reason === 'ENABLED') return StandardResolutionReasons.STATIC;
  if (e.reason.startsWith('ROLLOUT_')) return StandardResolutionReasons.SPLIT;
  if (e.reason.endsWith('TARGETED')) return StandardResolutionReasons.TARGETING_MATCH;
  return StandardResolutionReasons.DISABLED;
}

export class SwitchboardLocalProvider implements Provider {
  readonly metadata = { name: 'Switchboard (local)' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly stop: () => void;

  constructor(private readonly client: Switchboard) {
    this.stop = client.onChange((changes) => {
      const flagsChanged = changes.filter((c) => c.kind === 'flag').map((c) => c.key);
      if (flagsChanged.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
    });
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context);
  }
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context);
  }
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context);
  }
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context);
  }

  async onClose() {
    this.stop();
  }

  /** Throws OpenFeature errors; the SDK turns them into the default value with an error code. */
  private async resolve<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    const ctx = { userId: context.targetingKey, role: typeof context.role === 'string' ? context.role : undefined };
    const e = this.client.evaluate(flagKey, ctx);
    // the same outcomes the OFREP endpoint answers (lib/api/routes/ofrep.ts)
    if (e.reason === 'NOT_FOUND') throw new FlagNotFoundError(`No flag "${flagKey}" at this client's scope`);
    if (e.missingUserId) throw new TargetingKeyMissingError(`"${flagKey}" needs context.targetingKey (the user id)`);
    const details = { reason: reasonOf(e), variant: e.variant, flagMetadata: { reason: e.reason } };
    // a flag with variants that is off has no value: the code default applies
    const value = e.variant !== undefined ? e.value : this.client.rule(flagKey)?.variants?.length ? undefined : e.enabled;
    if (value === undefined) return { value: defaultValue, ...details };
    if (kindOf(value) !== kindOf(defaultValue)) throw new TypeMismatchError(`"${flagKey}" is a ${kindOf(value)} flag, not a ${kindOf(defaultValue)} one`);
    return { value: value as T, ...details };
  }
}
