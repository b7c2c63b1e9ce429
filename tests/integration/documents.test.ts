import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, type Person } from './support';

// Seed 001's nested documents over the iron-control-panel catalog: system → project → user.
let s: TestServer;
let admin: string;
let owner: Person;
let user: Person;
let member: Person;

const PROJECT = '/api/v1/settings/project/proj-master-001';

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'iron-control-panel');
  await createScopes(s, admin, [{ id: 'proj-master-001', level: 'project', parentId: 'global', name: 'Master' }]);
  owner = await person(s, admin, 'Olga Owner', [{ role: 'owner', scopeId: 'proj-master-001' }]);
  user = await person(s, admin, 'Uma User', []);
  member = await person(s, admin, 'Max Member', [{ role: 'member', scopeId: 'proj-master-001' }]);
});
afterAll(async () => {
  await s?.close();
});

describe('nested documents (seed 001)', () => {
  it('answers the system document with defaults reported as "system"', async () => {
    const doc = expectStatus(await s.api('GET', '/api/v1/settings/system', { token: admin }), 200);
    expect(doc.settings.operational.max_agents_per_project).toBe(100);
    expect(doc.inheritance['operational.max_agents_per_project']).toBe('system');
  });

  it('updates a project from a partial document and reports where each value comes from', async () => {
    const res = expectStatus(await s.api('PUT', PROJECT, { token: owner.token, body: { operational: { default_agent_budget: 250 } } }), 200);
    expect(res).toMatchObject({ project_id: 'proj-master-001', settings: { operational: { default_agent_budget: 250 } }, updated_by: owner.id });
    expect(res.updated_at).toMatch(/Z$/);
    expect(res.inheritance).toMatchObject({ 'operational.default_agent_budget': 'project', 'operational.auto_pause_threshold': 'system' });
  });

  it("merges a user's own values over project and system", async () => {
    expectStatus(await s.api('PUT', '/api/v1/settings/user', { token: member.token, body: { display: { theme: 'dark' } } }), 200);
    const doc = expectStatus(await s.api('GET', '/api/v1/settings/user?projectId=proj-master-001', { token: member.token }), 200);
    expect(doc.user_id).toBe(member.id);
    expect(doc.settings.display.theme).toBe('dark');
    expect(doc.settings.operational.default_agent_budget).toBe(250);
    expect(doc.inheritance).toMatchObject({
      'display.theme': 'user',
      'operational.default_agent_budget': 'project',
      'operational.auto_pause_threshold': 'system',
    });
    // without a role in the project, a user's document merges over system only
    await refused(s, () => s.api('GET', '/api/v1/settings/user?projectId=proj-master-001', { token: user.token }), 404, 'SCOPE_NOT_FOUND');
    expect(expectStatus(await s.api('GET', '/api/v1/settings/user', { token: user.token }), 200).inheritance['operational.default_agent_budget']).toBe('system');
    const reset = expectStatus(await s.api('DELETE', '/api/v1/settings/user', { token: member.token }), 200);
    expect(reset.reset).toEqual(['display.theme']);
    expect(reset.inheritance['display.theme']).toBe('system');
  });

  it('needs a reason for the system document', async () => {
    await refused(s, () => s.api('PUT', '/api/v1/settings/system', { token: admin, body: { operational: { max_agents_per_project: 120 } } }), 400, 'REASON_REQUIRED');
    const ok = await s.api('PUT', '/api/v1/settings/system?reason=more%20agents', { token: admin, body: { operational: { max_agents_per_project: 120 } } });
    expect(expectStatus(ok, 200).settings.operational.max_agents_per_project).toBe(120);
  });

  it('is atomic: one bad value refuses the whole document', async () => {
    const e = await refused(s, () => s.api('PUT', PROJECT, { token: admin, body: { operational: { default_agent_budget: 300, auto_pause_threshold: 500 } } }), 400, 'INVALID_SETTING_VALUE');
    expect(e.field).toBe('operational.auto_pause_threshold');
    expect(expectStatus(await s.api('GET', PROJECT, { token: admin }), 200).settings.operational.default_agent_budget).toBe(250);
  });

  it('checks cross-field rules: max agents per user may not exceed max agents per project', async () => {
    const e = await refused(s, () => s.api('PUT', PROJECT, { token: admin, body: { operational: { max_agents_per_user: 150 } } }), 400, 'INVALID_SETTING_VALUE');
    expect(e.field).toBe('operational.max_agents_per_user');
  });

  it('refuses unknown keys, forbidden keys and projects that do not exist, writing nothing', async () => {
    await refused(s, () => s.api('PUT', PROJECT, { token: admin, body: { operational: { no_such_setting: 1 } } }), 404, 'SETTING_NOT_FOUND');
    await refused(s, () => s.api('PUT', PROJECT, { token: admin, raw: '{"operational":{"__proto__":{"polluted":true}}}', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', PROJECT, { token: admin, body: { constructor: { prototype: { polluted: true } } } }), 400, 'INVALID_REQUEST');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await refused(s, () => s.api('GET', '/api/v1/settings/project/proj-nope', { token: admin }), 404, 'PROJECT_NOT_FOUND');
    await refused(s, () => s.api('PUT', '/api/v1/settings/project/global', { token: admin, body: { operational: { default_agent_budget: 1 } } }), 404, 'PROJECT_NOT_FOUND');
  });

  it("follows seed 001's authorization matrix", async () => {
    // users: only their own document; owners: their project, but not its security settings
    await refused(s, () => s.api('GET', '/api/v1/settings/system', { token: user.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', PROJECT, { token: user.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/settings/system', { token: owner.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(expectStatus(await s.api('GET', PROJECT, { token: owner.token }), 200).settings.security).toBeDefined();
    const securityKey = Object.keys(expectStatus(await s.api('GET', PROJECT, { token: owner.token }), 200).settings.security)[0];
    await refused(s, () => s.api('PUT', PROJECT, { token: owner.token, body: { security: { [securityKey]: 5 } } }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('refuses writes to a read-only setting', async () => {
    const def = { key: 'operational.build_number', label: 'Build number', category: 'operational', type: 'integer', defaultValue: 7, allowedLevels: ['global', 'project'], readonly: true };
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def }), 201);
    await refused(s, () => s.api('PUT', '/api/v1/settings/operational.build_number', { token: admin, body: { value: 8, scope: 'proj-master-001' } }), 409, 'SETTING_READONLY');
    await refused(s, () => s.api('PUT', PROJECT, { token: admin, body: { operational: { build_number: 8 } } }), 409, 'SETTING_READONLY');
  });
});
