import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { mayVisit } from '@/lib/auth/nav';
import { can } from '@/lib/auth/policy';
import { apiQuery, readFilters } from '@/lib/audit-filters';
import { queryString } from '@/lib/query-string';
import { getApp } from '@/lib/services/kernel/app';
import { AUDIT_SOURCES } from '@/lib/services/audit/types';
import { listAudit } from '@/lib/services/audit/read';
import { getRegistry } from '@/lib/services/registry/read';
import { ServiceError } from '@/lib/services/kernel/errors';
import { preferredPageSize } from '@/lib/services/preferences/read';
import { listScopes } from '@/lib/services/scopes/read';
import { listUsers } from '@/lib/services/identity/read';
import { AuditEntries } from '@/components/audit/audit-entries';
import { AuditFilterForm } from '@/components/audit/audit-filter-form';
import { VerifyChain } from '@/components/audit/verify-chain';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pager } from '@/components/ui/pager';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The audit log (seed 003 §6.6): filters live in the URL, so links and reloads keep them. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePage('/audit');
  const app = await getApp();
  const sp = await searchParams;
  const filters = readFilters(sp);
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  const pageSize = await preferredPageSize(app, principal);
  const query = apiQuery(filters);

  const [result, registry, people, scopes] = await Promise.all([
    // a scope outside the caller's reach is refused: say so instead of failing the page
    listAudit(app, principal, { ...query, limit: pageSize, offset: (page - 1) * pageSize }).catch((err: unknown) => {
      if (err instanceof ServiceError && err.status < 500) return { entries: [], total: 0, refused: err.message };
      throw err;
    }),
    getRegistry(app),
    mayVisit(principal, '/users') ? listUsers(app, principal, { limit: 500, offset: 0 }) : null,
    listScopes(app, principal, { limit: 500, offset: 0 }),
  ]);
  // too many people for a select: the filter takes a name or id instead
  const users = people && people.total <= people.users.length ? people.users.map((u) => ({ id: u.id, label: `${u.name} (${u.email})` })) : null;
  const exportHref = (format: 'csv' | 'json') => `/api/v1/audit/export${queryString({ format, ...query })}`;
  const filtered = Object.keys(filters).length > 0;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to settings, flags, the registry, users and tokens, hash-chained so tampering shows."
        actions={
          <>
            <a href={exportHref('csv')} download className={buttonClass({ size: 'sm' })}>
              Export CSV
            </a>
            <a href={exportHref('json')} download className={buttonClass({ size: 'sm' })}>
              Export JSON
            </a>
            {can(principal, 'audit.verify') && <VerifyChain />}
          </>
        }
      />
      <AuditFilterForm
        values={filters}
        categories={registry.categories.map((c) => ({ key: c.key, label: c.label }))}
        users={users}
        scopes={scopes.scopes.map((s) => ({ id: s.id, name: s.name }))}
        sources={[...AUDIT_SOURCES]}
      />
      {'refused' in result && (
        <Alert tone="danger" className="mt-4">
          {result.refused}
        </Alert>
      )}
      <Card className="mt-4">
        <AuditEntries entries={result.entries} filtered={filtered} />
        {result.total > 0 && <Pager page={page} pageSize={pageSize} total={result.total} noun={['entry', 'entries']} href={(p) => `/audit${queryString({ ...filters, page: p > 1 ? p : undefined })}`} />}
      </Card>
    </>
  );
}
