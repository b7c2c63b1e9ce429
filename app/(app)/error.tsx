'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** A page that failed to render: say so inside the shell and offer to try again. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-xl space-y-4">
      <Alert tone="danger" title="This page could not be loaded">
        Something went wrong on the server{error.digest ? ` (reference ${error.digest})` : ''}. If the database is down, this recovers once it is back.
      </Alert>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
