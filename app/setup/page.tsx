import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { CATALOGS } from '@/lib/catalogs';
import { getApp } from '@/lib/services/kernel/app';
import { isSetupComplete } from '@/lib/services/setup/status';
import { SetupForm } from '@/components/setup/setup-form';
import { AuthFrame } from '@/components/shell/auth-frame';
import { StorageUnavailable } from '@/components/shell/storage-unavailable';

export const metadata: Metadata = { title: 'Set up' };
export const dynamic = 'force-dynamic';

/** First-run setup (seed 004 §6): every page leads here until it is done, and nothing does afterwards. */
export default async function SetupPage() {
  const done = await getApp()
    .then(isSetupComplete)
    .catch((err) => {
      console.error('[switchboard] storage unavailable', err);
      return 'unavailable' as const;
    });
  if (done === 'unavailable') return <StorageUnavailable />;
  if (done) redirect('/');
  return (
    <AuthFrame wide title="Set up Switchboard" description="Create the first platform admin. You also get an API token for the REST API right away.">
      <SetupForm catalogs={Object.values(CATALOGS).map(({ name, title, description }) => ({ name, title, description }))} />
    </AuthFrame>
  );
}
