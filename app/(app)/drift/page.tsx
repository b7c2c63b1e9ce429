import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import { isPlatformAdmin } from '@/lib/auth/policy';
import { lastDriftReport } from '@/lib/services/drift/schedule';
import { getApp } from '@/lib/services/kernel/app';
import { ServiceError } from '@/lib/services/kernel/errors';
import { DriftView } from '@/components/lifecycle/drift-view';
import { PageHeader } from '@/components/ui/page-header';
import { homeScope, pickerOptions } from '../scope-options';

export const metadata: Metadata = { title: 'Drift' };

/** Issue 10: the last drift report, a check run now at a chosen scope, and remediation of what may be restored. */
export default async function DriftPage() {
  const principal = await requirePage('/drift');
  const app = await getApp();
  const [{ scopes }, last] = await Promise.all([
    pickerOptions(app, principal),
    // the recorded (whole-installation) report is the platform admins'; a tenant admin runs a check of their own
    lastDriftReport(app, principal).catch((err: unknown) => {
      if (err instanceof ServiceError && err.code === 'INSUFFICIENT_PERMISSIONS') return null;
      throw err;
    }),
  ]);
  return (
    <>
      <PageHeader title="Drift" description="Stored values that differ from what the audit log or a settings migration recorded: edits made around the service, straight in the database." />
      <DriftView scopes={scopes} home={homeScope(principal)} last={last?.report ?? null} seesLast={last !== null} mayRemediate={isPlatformAdmin(principal)} />
    </>
  );
}
