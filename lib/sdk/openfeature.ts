/**
 * An OpenFeature provider for `@openfeature/server-sdk` that evaluates every flag remotely against
 * Switchboard's OFREP endpoint — no local cache, so a change applies at the next evaluation (seed 003 §10.4).
 *
 *   await OpenFeature.setProviderAndWait(new SwitchboardProvider({ baseUrl, token }));
 *   const on = await OpenFeature.getClient().getBooleanValue('feature.newDashboard', false, { targetingKey: userId, tenantId });
 *
 * Reasons are OpenFeature's standard ones (STATIC, SPLIT, TARGETING_MATCH, DISABLED), so hooks and telemetry
 * understand them; Switchboard's own reason (ROLLOUT_INCLUDED, EXPIRED, …) is in `flagMetadata.reason`.
 */
import {
  FlagNotFoundError,
  GeneralError,
  InvalidContextError,
  ParseError,
  TargetingKeyMissingError,
  TypeMismatchError,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { TOfrepFailure, TOfrepSuccess } from '@/lib/schemas/ofrep';

export interface SwitchboardProviderOptions {
  /** Where Switchboard runs, e.g. `https://switchboard.example.com`. */
  baseUrl: string;
  /** An API token; its user needs read access at the scopes the contexts name. */
  token: string;
  /** Per evaluation; default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A single evaluation's answer: a success or a failure (the bulk failure has no key). */
type OfrepAnswer = Partial<TOfrepSuccess & TOfrepFailure>;

const ERRORS: Record<string, new (message?: string) => Error> = {
  FLAG_NOT_FOUND: FlagNotFoundError,
  TARGETING_KEY_MISSING: TargetingKeyMissingError,
  INVALID_CONTEXT: InvalidContextError,
  PARSE_ERROR: ParseError,
};

const kindOf = (v: unknown) => (v === null || Array.isArray(v) ? 'object' : typeof v);

export class SwitchboardProvider implements Provider {
  readonly metadata = { name: 'Switchboard' } as const;
  readonly runsOn = 'server' as const;
  private readonly endpoint: string;

  constructor(private readonly options: SwitchboardProviderOptions) {
    this.endpoint = `${new URL(options.baseUrl).toString().replace(/\/$/, '')}/ofrep/v1/evaluate/flags/`;
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

  /** Throws OpenFeature errors; the SDK turns them into the default value with an error code. */
  private async resolve<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    const res = await (this.options.fetch ?? fetch)(this.endpoint + encodeURIComponent(flagKey), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    const answer = (await res.json().catch(() => ({}))) as OfrepAnswer;
    if (!res.ok) {
      const ErrorFor = (answer.errorCode && ERRORS[answer.errorCode]) || GeneralError;
      throw new ErrorFor(answer.errorDetails ?? `Switchboard answered ${res.status} for "${flagKey}"`);
    }
    const details = { reason: answer.reason, variant: answer.variant, flagMetadata: answer.metadata };
    // a flag with variants that is off sends no value: the code default applies (OFREP ADR 0006)
    if (answer.value === undefined) return { value: defaultValue, ...details };
    if (kindOf(answer.value) !== kindOf(defaultValue)) throw new TypeMismatchError(`"${flagKey}" is a ${kindOf(answer.value)} flag, not a ${kindOf(defaultValue)} one`);
    return { value: answer.value as T, ...details };
  }
}
