import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { can } from '@/lib/auth/policy';
import { queryString } from '@/lib/query-string';
import { requestOrigin } from '@/lib/request-origin';
import { getApp } from '@/lib/services/kernel/app';
import { preferredPageSize } from '@/lib/services/preferences/read';
import { listTokens } from '@/lib/services/identity/tokens';
import { listUsers } from '@/lib/services/identity/read';
import { TokenManager } from '@/components/tokens/token-manager';
import { Pager } from '@/components/ui/pager';

export const metadata: Metadata = { title: 'API tokens' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Everyone's own API tokens; platform admins may pick another user to issue service tokens acting as them. */
export default async function TokensPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePage('/tokens');
  const app = await getApp();
  const sp = await searchParams;
  const forOthers = can(principal, 'tokens.issue_for_others');
  const asked = Array.isArray(sp.userId) ? sp.userId[0] : sp.userId;
  const owner = forOthers && asked ? asked : principal.userId;
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  const pageSize = await preferredPageSize(app, principal);
  const [result, people] = await Promise.all([
    listTokens(app, principal, { userId: owner, limit: pageSize, offset: (page - 1) * pageSize }),
    forOthers ? listUsers(app, principal, { limit: 500, offset: 0 }) : null,
  ]);
  const origin = await requestOrigin();

  return (
    <TokenManager
      tokens={result.tokens}
      owner={owner}
      meId={principal.userId}
      users={people?.users.map((u) => ({ id: u.id, label: `${u.name} (${u.email})` })) ?? null}
      origin={origin}
      pager={result.total > 0 && <Pager page={page} pageSize={pageSize} total={result.total} noun={['token', 'tokens']} href={(p) => `/tokens${queryString({ userId: owner === principal.userId ? undefined : owner, page: p > 1 ? p : undefined })}`} />}
    />
  );
}
