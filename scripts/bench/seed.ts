/** Seeds a fresh server through its public API: bootstrap, scopes, definitions, values, feature flags. */
import { randomBytes } from 'node:crypto';
import { definitions, eventIds, flagBodies, flagOverrides, TENANTS, EVENTS_PER_TENANT, tenantId, eventId, valueFor } from './dataset';

const BULK_LIMIT = 1000;

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  /** Sends a request and returns the JSON answer; any status other than `expect` is an error. */
  async call<T = unknown>(method: string, path: string, body?: unknown, expect = 200): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${path} → ${res.status} (expected ${expect}): ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface SeedSummary {
  scopes: number;
  definitions: number;
  values: number;
  flags: number;
  ms: number;
}

export async function seed(api: ApiClient): Promise<SeedSummary> {
  const started = Date.now();
  const boot = await api.call<{ apiToken: string }>(
    'POST',
    '/api/v1/setup/bootstrap',
    { admin: { email: 'bench@example.com', name: 'Bench', password: randomBytes(18).toString('base64url') } },
    201,
  );
  api.token = boot.apiToken;

  for (let t = 0; t < TENANTS; t++) {
    await api.call('POST', '/api/v1/scopes', { id: tenantId(t), level: 'tenant', parentId: 'global', name: `Bench tenant ${t}` }, 201);
    for (let e = 0; e < EVENTS_PER_TENANT; e++) {
      await api.call('POST', '/api/v1/scopes', { id: eventId(t, e), level: 'event', parentId: tenantId(t), name: `Bench event ${t}/${e}` }, 201);
    }
  }

  for (const def of definitions) await api.call('POST', '/api/v1/definitions', def, 201);

  // every key at global, at each tenant and at each event
  const scopes = ['global', ...Array.from({ length: TENANTS }, (_, t) => tenantId(t)), ...eventIds];
  const items = scopes.flatMap((scope, s) => definitions.map((def, k) => ({ key: def.key, scope, value: valueFor(def, s * 7 + k) })));
  for (let i = 0; i < items.length; i += BULK_LIMIT) {
    const out = await api.call<{ errors: unknown[] }>('POST', '/api/v1/settings/bulk', { settings: items.slice(i, i + BULK_LIMIT), reason: 'bench seed' });
    if (out.errors?.length) throw new Error(`bulk seed reported errors: ${JSON.stringify(out.errors.slice(0, 3))}`);
  }

  for (const flag of flagBodies) await api.call('POST', '/api/v1/flags', flag, 201);
  for (const { key, ...override } of flagOverrides) await api.call('PUT', `/api/v1/flags/${key}`, override);

  return { scopes: TENANTS + eventIds.length, definitions: definitions.length, values: items.length, flags: flagBodies.length + flagOverrides.length, ms: Date.now() - started };
}
