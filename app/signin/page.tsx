import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentPrincipal } from '@/lib/auth/current';
import { safeCallbackPath } from '@/lib/auth/sign-in';
import { readEnv } from '@/lib/env';
import { getApp } from '@/lib/services/kernel/app';
import { isSetupComplete } from '@/lib/services/setup/status';
import { SignInForm } from '@/components/auth/sign-in-form';
import { AuthFrame } from '@/components/shell/auth-frame';
import { StorageUnavailable } from '@/components/shell/storage-unavailable';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  const done = await getApp()
    .then(isSetupComplete)
    .catch(() => 'unavailable' as const);
  if (done === 'unavailable') return <StorageUnavailable />;
  if (!done) redirect('/setup');
  if (await currentPrincipal()) redirect(callbackUrl);
  return (
    <AuthFrame title="Sign in" description="Use the email and password of your Switchboard account.">
      <SignInForm callbackUrl={callbackUrl} initialError={typeof params.error === 'string' ? params.error : undefined} oidcName={readEnv().oidc?.name} />
    </AuthFrame>
  );
}
