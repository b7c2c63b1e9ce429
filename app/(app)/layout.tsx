import { redirect } from 'next/navigation';
import { requirePrincipal } from '@/lib/auth/current';
import { mayVisit, navFor } from '@/lib/auth/nav';
import { getApp } from '@/lib/services/kernel/app';
import { isSetupComplete } from '@/lib/services/setup/status';
import { can } from '@/lib/auth/policy';
import { maintenanceState } from '@/lib/services/maintenance/state';
import { CommandPalette } from '@/components/search/command-palette';
import { AppShell } from '@/components/shell/app-shell';
import { StorageUnavailable } from '@/components/shell/storage-unavailable';

// Sessions and setup state live in the database: never prerender.
export const dynamic = 'force-dynamic';

async function setupDone(): Promise<boolean | 'unavailable'> {
  try {
    return await isSetupComplete(await getApp());
  } catch (err) {
    // the reason (connection refused, wrong ENCRYPTION_KEY…) is for the operator's log, not for visitors
    console.error('[switchboard] storage unavailable', err);
    return 'unavailable';
  }
}

/** Every page of the signed-in app: setup done, a live session, the shell around the page. */
export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const done = await setupDone();
  if (done === 'unavailable') return <StorageUnavailable />;
  if (!done) redirect('/setup');
  const principal = await requirePrincipal();
  const live = { maintenance: await maintenanceState(await getApp()), bypass: can(principal, 'maintenance.bypass') };
  return (
    <AppShell nav={navFor(principal)} user={{ name: principal.name, email: principal.email }} search={mayVisit(principal, '/settings') && <CommandPalette />} live={live}>
      {children}
    </AppShell>
  );
}
