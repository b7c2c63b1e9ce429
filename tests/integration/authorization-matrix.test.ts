import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingCategories, settingDefinitions } from '@/lib/db/schema';
import { can, type Action, type Principal, type Role, type Target } from '@/lib/auth/policy';
import { bootstrapped, startTestServer, type ApiResponse, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, tableCounts, WORLD } from './support';

/**
 * The authorization matrix, generated from the policy table: every role bound at every level it fits,
 * against every scope of the world, through every endpoint that authorizes against a scope (and the
 * global-only ones). What each endpoint needs is written down once (ENDPOINTS: action + target); the
 * expected answer comes from `can` in lib/auth/policy.ts, never from a hand-written table:
 *   allowed → the endpoint's success status (a write also appends exactly one audit entry);
 *   refused, but the scope is one the caller may know (global, or scopes.read there) → 403;
 *   refused at a scope the caller may not read → 404 SCOPE_NOT_FOUND, exactly as for a scope that does
 *   not exist (item 9: no telling other tenants' scope ids apart from made-up ones).
 * A refusal writes nothing.
 */

let s: TestServer;
let admin: string;
const SCOPES = ['global', 'tenant-a', 'tenant-b', 'event-a1', 'event-b1'] as const;
type ScopeId = (typeof SCOPES)[number];
const PATH: Record<ScopeId, string[]> = {
  global: ['global'],
  'tenant-a': ['tenant-a', 'global'],
  'tenant-b': ['tenant-b', 'global'],
  'event-a1': ['event-a1', 'tenant-a', 'global'],
  'event-b1': ['event-b1', 'tenant-b', 'global'],
};
const CHILD_LEVEL: Record<ScopeId, string> = { global: 'tenant', 'tenant-a': 'event', 'tenant-b': 'event', 'event-a1': 'session', 'event-b1': 'session' };
const KEY = 'matrix.limit';
const SECURE_KEY = 'matrix.secure';

/** Every role at every level it may be bound to (lib/auth/policy.ts ROLE_LEVEL), plus someone with no role. */
const BINDINGS: { role: Role | 'none'; scopeId: ScopeId }[] = [
  { role: 'platform_admin', scopeId: 'global' },
  { role: 'tenant_admin', scopeId: 'tenant-a' },
  { role: 'event_manager', scopeId: 'event-a1' },
  ...(['owner', 'member'] as const).flatMap((role) => (['global', 'tenant-a', 'event-a1'] as const).map((scopeId) => ({ role, scopeId }))),
  { role: 'none', scopeId: 'global' },
];

interface Endpoint {
  name: string;
  /** The policy action the endpoint needs, and at what. */
  action: Action;
  target: (scope: ScopeId) => Target;
  /** Whether the endpoint names the scope (then an unreadable one is 404 SCOPE_NOT_FOUND). */
  scoped: boolean;
  ok: number;
  writes: boolean;
  call: (token: string, scope: ScopeId, n: number) => Promise<ApiResponse>;
}

const at = (scope: ScopeId): Target => ({ scopePath: PATH[scope] });
const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /settings/:key/resolve',
    action: 'settings.read',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/settings/${KEY}/resolve?scope=${scope}`, { token }),
  },
  {
    name: 'GET /settings',
    action: 'settings.read',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/settings?scope=${scope}`, { token }),
  },
  {
    name: 'PUT /settings/:key',
    action: 'settings.write',
    target: at,
    scoped: true,
    ok: 200,
    writes: true,
    call: (token, scope, n) => s.api('PUT', `/api/v1/settings/${KEY}`, { token, body: { value: n % 1000, scope, reason: 'matrix' } }),
  },
  {
    name: 'PUT /settings/:key (security category)',
    action: 'settings.write',
    target: (scope) => ({ ...at(scope), securityCategory: true }),
    scoped: true,
    ok: 200,
    writes: true,
    call: (token, scope, n) => s.api('PUT', `/api/v1/settings/${SECURE_KEY}`, { token, body: { value: n % 1000, scope, reason: 'matrix' } }),
  },
  {
    name: 'GET /settings/:key/history',
    action: 'settings.read',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/settings/${KEY}/history?scope=${scope}`, { token }),
  },
  {
    name: 'GET /scopes/:id',
    action: 'scopes.read',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/scopes/${scope}`, { token }),
  },
  {
    name: 'POST /scopes',
    action: 'scopes.write',
    target: at,
    scoped: true,
    ok: 201,
    writes: true,
    call: (token, scope, n) => s.api('POST', '/api/v1/scopes', { token, body: { level: CHILD_LEVEL[scope], parentId: scope, name: `Matrix ${n}` } }),
  },
  {
    name: 'GET /audit?scope=',
    action: 'audit.read',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/audit?scope=${scope}&limit=1`, { token }),
  },
  {
    name: 'GET /flags/:key/evaluate',
    action: 'flags.evaluate',
    target: at,
    scoped: true,
    ok: 200,
    writes: false,
    call: (token, scope) => s.api('GET', `/api/v1/flags/feature.matrix/evaluate?scope=${scope}`, { token }),
  },
  {
    name: 'POST /users (a member role at the scope)',
    action: 'users.write',
    target: at,
    scoped: true,
    ok: 201,
    writes: true,
    call: (token, scope, n) =>
      s.api('POST', '/api/v1/users', { token, body: { email: `matrix${n}@example.com`, name: `Matrix ${n}`, password: 'a long enough password', roles: [{ role: 'member', scopeId: scope }] } }),
  },
  {
    name: 'POST /definitions',
    action: 'definitions.write',
    target: () => ({}),
    scoped: false,
    ok: 201,
    writes: true,
    call: (token, _scope, n) => s.api('POST', '/api/v1/definitions', { token, body: { key: `matrix.def${n}`, label: 'M', category: 'general', type: 'number', defaultValue: 1, allowedLevels: ['global'] } }),
  },
  {
    name: 'POST /flags',
    action: 'flags.write',
    target: () => at('global'),
    scoped: false,
    ok: 201,
    writes: true,
    call: (token, _scope, n) => s.api('POST', '/api/v1/flags', { token, body: { key: `feature.m${n}` } }),
  },
  {
    name: 'GET /settings/system',
    action: 'settings.system',
    target: () => ({}),
    scoped: false,
    ok: 200,
    writes: false,
    call: (token) => s.api('GET', '/api/v1/settings/system', { token }),
  },
  {
    name: 'GET /audit/verify',
    action: 'audit.verify',
    target: () => ({}),
    scoped: false,
    ok: 200,
    writes: false,
    call: (token) => s.api('GET', '/api/v1/audit/verify', { token }),
  },
];

const tokens = new Map<string, string>();
const principals = new Map<string, Principal>();
const label = (b: (typeof BINDINGS)[number]) => `${b.role}@${b.scopeId}`;

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
  expectStatus(await s.api('POST', '/api/v1/hierarchy', { token: admin, body: { key: 'session', label: 'Session', parentKey: 'event' } }), 201);
  const levels = ['global', 'tenant', 'event', 'session'];
  const def = (key: string, category: string) => ({ key, label: key, category, type: 'number', defaultValue: 1, allowedLevels: levels });
  expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def(KEY, 'general') }), 201);
  expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def(SECURE_KEY, 'secure') }), 201);
  // no endpoint marks a category as security-relevant (catalogs do): set it here
  await s.app.db.update(settingCategories).set({ security: true }).where(eq(settingCategories.key, 'secure'));
  s.app.caches.invalidate({ type: 'definitions' });
  expectStatus(await s.api('POST', '/api/v1/flags', { token: admin, body: { key: 'feature.matrix' } }), 201);
  let i = 0;
  for (const b of BINDINGS) {
    const p = await person(s, admin, `Matrix Person ${i++}`, b.role === 'none' ? [] : [{ role: b.role, scopeId: b.scopeId }]);
    tokens.set(label(b), p.token);
    principals.set(label(b), { userId: p.id, email: '', name: '', via: 'token', roles: b.role === 'none' ? [] : [{ role: b.role, scopeId: b.scopeId }] });
  }
}, 120_000);
afterAll(async () => {
  await s?.close();
});

/** What the policy says this principal gets from this endpoint at this scope. */
function expected(p: Principal, e: Endpoint, scope: ScopeId): { status: number; code?: string } {
  if (can(p, e.action, e.target(scope))) return { status: e.ok };
  const mayKnow = !e.scoped || scope === 'global' || can(p, 'scopes.read', at(scope));
  return mayKnow ? { status: 403, code: 'INSUFFICIENT_PERMISSIONS' } : { status: 404, code: 'SCOPE_NOT_FOUND' };
}

describe('authorization matrix (generated from lib/auth/policy.ts)', () => {
  let n = 0;
  for (const b of BINDINGS) {
    it(`${label(b)}: every endpoint at every scope answers as the policy says`, async () => {
      const token = tokens.get(label(b))!;
      const p = principals.get(label(b))!;
      const wrong: string[] = [];
      for (const e of ENDPOINTS) {
        for (const scope of e.scoped ? SCOPES : (['global'] as const)) {
          const want = expected(p, e, scope);
          const before = await tableCounts(s);
          const res = await e.call(token, scope, n++);
          const after = await tableCounts(s);
          const got = { status: res.status, ...(res.status >= 400 ? { code: res.body?.error?.code } : {}) };
          if (got.status !== want.status || (want.code && got.code !== want.code)) wrong.push(`${e.name} @ ${scope}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)} ${res.status >= 400 ? res.body?.error?.message : ''}`);
          if (res.status >= 400) expect(after, `${e.name} @ ${scope} wrote on a refusal`).toEqual(before);
          else if (e.writes) expect(after.auditLog, `${e.name} @ ${scope} audit`).toBe(before.auditLog + 1);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('answers an unknown scope exactly as one the caller may not read', async () => {
    const member = tokens.get('member@tenant-a')!;
    const unknown = await s.api('GET', `/api/v1/settings/${KEY}/resolve?scope=tenant-zz`, { token: member });
    const foreign = await s.api('GET', `/api/v1/settings/${KEY}/resolve?scope=tenant-b`, { token: member });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message.replace('tenant-b', 'X')).toBe(unknown.body.error.message.replace('tenant-zz', 'X'));
  });
});

describe('audit scoping (item 10)', () => {
  it('shows a tenant admin only the entries of scopes where they hold audit.read (not global, not other tenants)', async () => {
    expectStatus(await s.api('PUT', `/api/v1/settings/${KEY}`, { token: admin, body: { value: 1, scope: 'global', reason: 'global change' } }), 200);
    const { entries } = expectStatus(await s.api('GET', '/api/v1/audit?limit=500', { token: tokens.get('tenant_admin@tenant-a')! }), 200);
    expect(entries.length).toBeGreaterThan(0);
    const scopes = new Set(entries.map((e: { scopeId: string | null }) => e.scopeId));
    for (const foreign of ['global', 'tenant-b', 'event-b1', null]) expect(scopes.has(foreign), String(foreign)).toBe(false);
    const exported = await s.api('GET', '/api/v1/audit/export?format=json', { token: tokens.get('tenant_admin@tenant-a')! });
    expect(JSON.parse(typeof exported.body === 'string' ? exported.body : JSON.stringify(exported.body)).entries.every((e: { scopeId: string }) => e.scopeId !== 'global')).toBe(true);
  });

  it("keeps only the reader's reach in the role lists of user entries", async () => {
    const body = { email: 'two-tenants@example.com', name: 'Two Tenants', password: 'a long enough password', roles: [{ role: 'member', scopeId: 'tenant-a' }, { role: 'member', scopeId: 'tenant-b' }] };
    const user = expectStatus(await s.api('POST', '/api/v1/users', { token: admin, body }), 201);
    const read = async (token: string) =>
      expectStatus(await s.api('GET', '/api/v1/audit?action=user.create&limit=100', { token }), 200).entries.find((e: { details: { userId?: string } }) => e.details?.userId === user.id);
    expect((await read(admin)).newValue.roles).toHaveLength(2);
    expect((await read(tokens.get('tenant_admin@tenant-a')!)).newValue.roles).toEqual([{ role: 'member', scopeId: 'tenant-a' }]);
  });

  it('strips actor, address and reason from setting history for callers without audit.read there', async () => {
    expectStatus(await s.api('PUT', `/api/v1/settings/${KEY}`, { token: admin, body: { value: 2, scope: 'tenant-a', reason: 'the why' } }), 200);
    const history = async (who: string) => expectStatus(await s.api('GET', `/api/v1/settings/${KEY}/history?scope=tenant-a&limit=1`, { token: tokens.get(who)! }), 200).history[0];
    expect(await history('member@tenant-a')).toMatchObject({ actorId: null, actorName: null, ip: null, reason: null, newValue: 2 });
    expect(await history('owner@tenant-a')).toMatchObject({ reason: 'the why', actorName: expect.any(String), newValue: 2 });
  });
});

describe('secret defaults (item 12)', () => {
  it('refuses a non-empty default on a secret definition, and writes nothing', async () => {
    const before = await tableCounts(s);
    const res = await s.api('POST', '/api/v1/definitions', { token: admin, body: { key: 'api.key', label: 'K', category: 'general', type: 'secret', defaultValue: 'sk-live-123', allowedLevels: ['global'] } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'defaultValue' });
    const flagged = await s.api('POST', '/api/v1/definitions', { token: admin, body: { key: 'api.key2', label: 'K', category: 'general', type: 'string', isSecret: true, defaultValue: 'sk', allowedLevels: ['global'] } });
    expect(flagged.status).toBe(400);
    expect(await tableCounts(s)).toEqual(before);
  });

  it('redacts an older secret default in definition audit entries', async () => {
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: { key: 'legacy.secret', label: 'L', category: 'general', type: 'secret', defaultValue: '', allowedLevels: ['global'] } }), 201);
    // a row from before the rule (no endpoint can make one any more)
    await s.app.db.update(settingDefinitions).set({ defaultValue: 'old-plaintext-default' }).where(eq(settingDefinitions.key, 'legacy.secret'));
    s.app.caches.invalidate({ type: 'definitions' });
    expectStatus(await s.api('PUT', '/api/v1/definitions/legacy.secret', { token: admin, body: { label: 'Legacy', category: 'general', type: 'secret', defaultValue: '', allowedLevels: ['global'] } }), 200);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=definition.update&limit=1', { token: admin }), 200).entries;
    expect(entry.oldValue.defaultValue).toBe('[REDACTED]');
    expect(JSON.stringify(entry)).not.toContain('old-plaintext-default');
  });

  it('keeps a value stored as a secret masked when the key is later redefined as not secret: at= and rollback', async () => {
    const def = (type: string) => ({ key: 'was.secret', label: 'W', category: 'general', type, defaultValue: '', allowedLevels: ['global'] });
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def('secret') }), 201);
    expectStatus(await s.api('PUT', '/api/v1/settings/was.secret', { token: admin, body: { value: 'topsecret-value', scope: 'global', reason: 'r' } }), 200);
    const at = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    expectStatus(await s.api('DELETE', '/api/v1/settings/was.secret?scope=global&reason=r', { token: admin }), 200);
    expectStatus(await s.api('DELETE', '/api/v1/definitions/was.secret', { token: admin }), 200);
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def('string') }), 201);
    const past = expectStatus(await s.api('GET', `/api/v1/settings/was.secret/resolve?scope=global&at=${encodeURIComponent(at)}`, { token: admin }), 200);
    expect(JSON.stringify(past)).not.toContain('topsecret-value');
    expect(past.value).toBe('********');
    await refused(s, () => s.api('POST', '/api/v1/settings/was.secret/rollback', { token: admin, body: { scope: 'global', toVersion: 1, reason: 'undo' } }), 409, 'CONFLICT');
  });
});
