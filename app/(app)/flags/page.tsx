import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { mayVisit } from '@/lib/auth/nav';
import { can } from '@/lib/auth/policy';
import { getApp } from '@/lib/services/kernel/app';
import { flagMatrix } from '@/lib/services/flags/read';
import { flushEvaluated } from '@/lib/services/flags/table';
import { listScopes } from '@/lib/services/scopes/read';
import { listUsers } from '@/lib/services/identity/read';
import { FlagsView } from '@/components/flags/flags-view';

export const metadata: Metadata = { title: 'Feature flags' };

/** Seed 003 §6.5: flags × global and every tenant the caller may read; platform admins change them (§10.4). */
export default async function FlagsPage() {
  const principal = await requirePage('/flags');
  const app = await getApp();
  // evaluation times wait in memory for up to a minute; write them so the stale view is current
  await flushEvaluated(app);
  const [matrix, events, people] = await Promise.all([
    flagMatrix(app, principal),
    listScopes(app, principal, { level: 'event', limit: 500, offset: 0 }),
    mayVisit(principal, '/users') ? listUsers(app, principal, { limit: 500, offset: 0 }) : null,
  ]);

  return (
    <FlagsView
      initialMatrix={matrix}
      mayWrite={can(principal, 'flags.write', { scopePath: ['global'] })}
      events={events.scopes.map((e) => ({ id: e.id, name: e.name, parentId: e.parentId }))}
      users={people?.users.map((u) => ({ id: u.id, label: `${u.name} (${u.email})` })) ?? []}
    />
  );
}
