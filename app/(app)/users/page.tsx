import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { queryString } from '@/lib/query-string';
import { getApp } from '@/lib/services/kernel/app';
import { preferredPageSize } from '@/lib/services/preferences/read';
import { listScopes, scopesWhere } from '@/lib/services/scopes/read';
import { listUsers } from '@/lib/services/identity/read';
import { UserDirectory } from '@/components/users/user-directory';
import { Pager } from '@/components/ui/pager';

export const metadata: Metadata = { title: 'Users' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** People and their roles: platform admins see everyone, tenant admins those holding a role in their tenant. */
export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePage('/users');
  const app = await getApp();
  const sp = await searchParams;
  const q = (Array.isArray(sp.q) ? sp.q[0] : sp.q)?.trim().slice(0, 200) || undefined;
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  const pageSize = await preferredPageSize(app, principal);
  const [result, visible, reach] = await Promise.all([
    listUsers(app, principal, { q, limit: pageSize, offset: (page - 1) * pageSize }),
    listScopes(app, principal, { limit: 500, offset: 0 }),
    scopesWhere(app, principal, 'users.write'),
  ]);
  // roles may be granted only at scopes within the caller's reach (the server checks again)
  const grantable = visible.scopes.filter((s) => reach === null || reach.includes(s.id)).map((s) => ({ id: s.id, name: s.name, level: s.level }));

  return (
    <UserDirectory
      users={result.users}
      total={result.total}
      query={q}
      scopes={grantable}
      meId={principal.userId}
      pager={result.total > 0 && <Pager page={page} pageSize={pageSize} total={result.total} noun={['user', 'users']} href={(p) => `/users${queryString({ q, page: p > 1 ? p : undefined })}`} />}
    />
  );
}
