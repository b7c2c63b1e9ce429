import type { ReactNode } from 'react';
import { requirePage } from '@/lib/auth/current';

/** Checks the role before the page streams, so a page the role may not see answers a real 404. */
export default async function Layout({ children }: { children: ReactNode }) {
  await requirePage('/backups');
  return children;
}
