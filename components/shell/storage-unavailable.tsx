import { Alert } from '@/components/ui/alert';

/** Shown instead of a page when the database cannot be opened; the details are in the server log. */
export function StorageUnavailable() {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <Alert tone="danger" title="The database is unavailable">
        Switchboard could not open its storage. Check that PostgreSQL is reachable at <code>DATABASE_URL</code> (or, without it, that the data
        directory is writable) and that <code>ENCRYPTION_KEY</code> is the key this database was set up with. The server log has the details.
        This page recovers on its own once storage is back.
      </Alert>
    </main>
  );
}
