import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';

/** Pages that do not exist, and pages that are not for this user (they answer 404 alike). */
export default function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" description="There is no such page, or it is not available to your account." />
      <Link href="/" className={buttonClass()}>
        Back to the dashboard
      </Link>
    </>
  );
}
