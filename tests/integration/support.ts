import { count } from 'drizzle-orm';
import { expect } from 'vitest';
import { apiTokens, auditLog, backups, featureFlags, hierarchyLevels, modelAccess, modelConfigurations, modelTemplates, modelUsage, roleAssignments, scopes, settingDefinitions, settingValues, users } from '@/lib/db/schema';
import type { ApiResponse, TestServer } from './harness';

/** Row counts of every table a request could write to: a refused request must leave all of them alone. */
export async function tableCounts(s: TestServer) {
  const tables = { auditLog, backups, users, roleAssignments, apiTokens, scopes, hierarchyLevels, settingDefinitions, settingValues, featureFlags, modelConfigurations, modelTemplates, modelAccess, modelUsage };
  const entries = await Promise.all(
    Object.entries(tables).map(async ([name, table]) => [name, Number((await s.app.db.select({ n: count() }).from(table))[0].n)] as const),
  );
  return Object.fromEntries(entries);
}

/** Asserts the request fails with status + code, an error body and nothing else, and that nothing was written. */
export async function refused(s: TestServer, request: () => Promise<ApiResponse>, status: number, code: string) {
  const before = await tableCounts(s);
  const res = await request();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error?.code, JSON.stringify(res.body)).toBe(code);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(await tableCounts(s)).toEqual(before);
  return res.body.error as { code: string; message: string; field?: string };
}

export function expectStatus(res: ApiResponse, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

export interface Person {
  id: string;
  token: string;
}

/** A user with the given roles and an API token acting as them (issued by the admin). */
export async function person(s: TestServer, adminToken: string, name: string, roles: { role: string; scopeId: string }[]): Promise<Person> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
  const user = expectStatus(await s.api('POST', '/api/v1/users', { token: adminToken, body: { email, name, password: 'a long enough password', roles } }), 201);
  const token = expectStatus(await s.api('POST', '/api/v1/tokens', { token: adminToken, body: { name: `${name} token`, userId: user.id } }), 201);
  return { id: user.id, token: token.token };
}

export async function createScopes(s: TestServer, adminToken: string, list: { id: string; level: string; parentId: string; name: string }[]) {
  for (const body of list) expectStatus(await s.api('POST', '/api/v1/scopes', { token: adminToken, body }), 201);
}

/** Tenants A and B with one event each: the reach tests' world. */
export const WORLD = [
  { id: 'tenant-a', level: 'tenant', parentId: 'global', name: 'Tenant A' },
  { id: 'tenant-b', level: 'tenant', parentId: 'global', name: 'Tenant B' },
  { id: 'event-a1', level: 'event', parentId: 'tenant-a', name: 'Event A1' },
  { id: 'event-b1', level: 'event', parentId: 'tenant-b', name: 'Event B1' },
];

/** A body just over the 1 MiB limit. */
export const OVERSIZED = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
