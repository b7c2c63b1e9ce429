import { expect } from 'vitest';
import type { TestServer } from './harness';
import { createScopes, expectStatus, WORLD } from './support';

/**
 * The accreditation catalog with two tenants and their events, values at every level (a lock, a secret,
 * a cross-field pair, lists, enums) and flag rows: the world the lifecycle tests copy between instances.
 */
export async function seedWorld(s: TestServer, token: string) {
  await createScopes(s, token, WORLD);
  const put = async (key: string, scope: string, value: unknown, extra: Record<string, unknown> = {}) =>
    expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token, body: { value, scope, ...(scope === 'global' ? { reason: 'fixture' } : {}), ...extra } }), 200);
  await put('catering.bufferPercentage', 'global', 11);
  await put('auth.maxLoginAttempts', 'global', 7);
  await put('upload.allowedImageTypes', 'global', ['png', 'webp']);
  await put('ui.theme', 'global', 'dark', { lock: true });
  await put('sms.providerApiKey', 'global', 'sk-live-123');
  await put('catering.bufferPercentage', 'tenant-a', 12);
  await put('badge.maxReprintCount', 'tenant-a', 5);
  await put('badge.reprintWarningThreshold', 'tenant-a', 4);
  await put('accommodation.roomingListFormat', 'tenant-a', 'EXCEL');
  await put('email.senderName', 'tenant-a', 'Tenant A desk');
  await put('ui.language', 'tenant-a', 'fr');
  await put('catering.bufferPercentage', 'event-a1', 15);
  await put('workflow.defaultSlaHours', 'event-a1', 12);
  await put('transport.pickupBufferMinutes', 'event-a1', 30);
  await put('waitlist.enabled', 'tenant-b', false);
  await put('upload.maxImageSizeMB', 'event-b1', 2.5);
  expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token, body: { scope: 'global', enabled: false, reason: 'fixture' } }), 200);
  expectStatus(await s.api('PUT', '/api/v1/flags/feature.digitalBadge', { token, body: { scope: 'tenant-a', enabled: true } }), 200);
  expectStatus(await s.api('PUT', '/api/v1/flags/feature.surveyModule', { token, body: { scope: 'event-b1', enabled: true, flagType: 'percentage', rolloutPercentage: 40 } }), 200);
}

export const SCOPES = ['global', ...WORLD.map((w) => w.id)];

/** Every key resolved at every scope (the resolve endpoint, chain included) and every flag's effective row. */
export async function snapshot(s: TestServer, token: string, scopes = SCOPES) {
  const keys = (expectStatus(await s.api('GET', '/api/v1/definitions?limit=500', { token }), 200).definitions as { key: string }[]).map((d) => d.key);
  const out: Record<string, unknown> = {};
  for (const scope of scopes) {
    // ten at a time: hundreds of parallel connections overflow a loaded machine's accept queue
    const answers = [];
    for (let i = 0; i < keys.length; i += 10) answers.push(...(await Promise.all(keys.slice(i, i + 10).map((key) => s.api('GET', `/api/v1/settings/${key}/resolve?scope=${scope}`, { token })))));
    answers.forEach((a, i) => {
      // versions count writes per instance; everything a caller resolves must match
      const rest = { ...expectStatus(a, 200) };
      delete rest.version;
      out[`${keys[i]}@${scope}`] = rest;
    });
    const flags = expectStatus(await s.api('GET', `/api/v1/flags?scope=${scope}&limit=500`, { token }), 200).flags as Record<string, unknown>[];
    for (const f of flags) {
      const { key, enabled, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, variants, scope: at, inherited } = f;
      out[`flag:${key}@${scope}`] = { enabled, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, variants, at, inherited };
    }
  }
  expect(Object.keys(out).length).toBeGreaterThan(keys.length * scopes.length);
  return out;
}
