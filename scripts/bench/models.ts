/**
 * The metering row: `POST /models/:provider/usage` from 50 clients across every tenant and event, with
 * quotas at global and each tenant (so every usage checks limits on its whole path), then exact
 * accounting: the usage the server recorded must equal what it accepted.
 */
import { eventIds, tenantIds } from './dataset';
import type { NextRequest } from './load';
import type { ApiClient } from './seed';

export const USAGE_TOKENS = 7;
export const USAGE_COST = 0.0003;

export async function seedModels(api: ApiClient): Promise<void> {
  // limits far above what a run can use: every request is checked, none refused
  const quota = { daily: { requests: { soft: 1e11, hard: 1e12 }, tokens: { hard: 1e13 } }, monthly: { cost: { hard: 1e9 } } };
  await api.call('PUT', '/api/v1/models/openai', { scope: 'global', model: 'gpt-4o', status: 'active', apiKey: 'sk-bench', parameters: { temperature: 0.3 }, quota });
  for (const scope of tenantIds) await api.call('PUT', '/api/v1/models/openai', { scope, model: 'gpt-4.1', parameters: { temperature: 0.7 }, quota });
}

/** Usage at event and tenant scopes in turn. */
export function usageRequests(): () => NextRequest {
  const scopes = [...eventIds, ...tenantIds];
  let n = 0;
  return () => ({ path: '/api/v1/models/openai/usage', body: JSON.stringify({ scope: scopes[n++ % scopes.length], tokens: USAGE_TOKENS, cost: USAGE_COST }) });
}

/** What global's monthly window has recorded (every usage counts there). */
export async function recordedUsage(api: ApiClient): Promise<{ requests: number; tokens: number; cost: number }> {
  const q = await api.call<{ quotas: { scope: string; usage: { monthly: { requests: number; tokens: number; cost: number } } }[] }>('GET', '/api/v1/models/quotas?scope=global');
  const global = q.quotas.find((x) => x.scope === 'global');
  if (!global) throw new Error('no quota at global');
  return global.usage.monthly;
}

/**
 * Exact accounting: `total` usages from `concurrency` clients that each wait for every answer (autocannon
 * stops with requests in flight, which the server still records), counting the accepted ones.
 */
export async function accountedUsages(baseUrl: string, token: string, next: () => NextRequest, total: number, concurrency: number): Promise<{ accepted: number; refused: number }> {
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  const client = async () => {
    while (sent < total) {
      sent++;
      const req = next();
      const res = await fetch(baseUrl + req.path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: req.body });
      await res.arrayBuffer();
      if (res.ok) accepted++;
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { accepted, refused };
}
