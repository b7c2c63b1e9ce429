import { describe, expect, it } from 'vitest';
import { mayVisit, navFor } from './nav';
import type { Principal, RoleBinding } from './policy';

const who = (...roles: RoleBinding[]): Principal => ({ userId: 'usr_1', email: 'a@example.com', name: 'A', roles, via: 'session' });
const labels = (p: Principal) => navFor(p).map((i) => i.label);

describe('navFor', () => {
  it('shows platform admins everything', () => {
    expect(labels(who({ role: 'platform_admin', scopeId: 'global' }))).toEqual(['Dashboard', 'Settings', 'Preferences', 'Flags', 'Models', 'Audit', 'Import / export', 'Compare', 'Versions', 'Backups', 'Drift', 'Users', 'Tokens', 'API docs']);
  });

  it('fits each role to what the policy lets it do', () => {
    expect(labels(who({ role: 'tenant_admin', scopeId: 'tenant-a' }))).toEqual(['Dashboard', 'Settings', 'Preferences', 'Flags', 'Models', 'Audit', 'Import / export', 'Compare', 'Versions', 'Drift', 'Users', 'Tokens', 'API docs']);
    expect(labels(who({ role: 'event_manager', scopeId: 'event-a1' }))).toEqual(['Dashboard', 'Settings', 'Preferences', 'Audit', 'Tokens', 'API docs']);
    expect(labels(who({ role: 'member', scopeId: 'tenant-a' }))).toEqual(['Dashboard', 'Settings', 'Preferences', 'Tokens', 'API docs']);
    expect(labels(who())).toEqual(['Dashboard', 'Preferences', 'Tokens', 'API docs']);
  });
});

describe('mayVisit', () => {
  it('covers pages below a nav entry and leaves unknown paths to their pages', () => {
    const member = who({ role: 'member', scopeId: 'tenant-a' });
    expect(mayVisit(member, '/users')).toBe(false);
    expect(mayVisit(member, '/users/usr_2')).toBe(false);
    expect(mayVisit(member, '/settings/auth')).toBe(true);
    expect(mayVisit(member, '/usersettings')).toBe(true);
    // the models page: platform and tenant admins, not event managers or members
    expect(mayVisit(member, '/models')).toBe(false);
    expect(mayVisit(who({ role: 'event_manager', scopeId: 'event-a1' }), '/models')).toBe(false);
    expect(mayVisit(who({ role: 'tenant_admin', scopeId: 'tenant-a' }), '/models')).toBe(true);
    expect(mayVisit(who(), '/')).toBe(true);
    // the configuration lifecycle pages: platform and tenant admins only (an event manager may write values, yet not these)
    for (const href of ['/import-export', '/compare', '/versions', '/drift']) {
      expect(mayVisit(who({ role: 'event_manager', scopeId: 'event-a1' }), href)).toBe(false);
      expect(mayVisit(who({ role: 'owner', scopeId: 'project-1' }), href)).toBe(false);
      expect(mayVisit(who({ role: 'tenant_admin', scopeId: 'tenant-a' }), href)).toBe(true);
    }
    // backups and restore: every call of theirs is a platform admin's, so the page is too
    expect(mayVisit(who({ role: 'tenant_admin', scopeId: 'tenant-a' }), '/backups')).toBe(false);
    expect(mayVisit(who({ role: 'platform_admin', scopeId: 'global' }), '/backups')).toBe(true);
  });
});
