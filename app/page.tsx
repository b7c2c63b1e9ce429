import Link from 'next/link';
import { headers } from 'next/headers';
import { CATALOGS } from '@/lib/catalogs';
import { getApp } from '@/lib/services/app';
import { isSetupComplete, SWITCHBOARD_VERSION } from '@/lib/services/setup';
import { SetupForm } from '@/components/setup/setup-form';

// Setup state lives in the database: never prerender this page.
export const dynamic = 'force-dynamic';

type State = 'setup' | 'ready' | 'unavailable';

async function setupState(): Promise<State> {
  try {
    return (await isSetupComplete(await getApp())) ? 'ready' : 'setup';
  } catch (err) {
    // The reason (connection refused, wrong ENCRYPTION_KEY…) is for the operator's log, not for visitors.
    console.error('[switchboard] home page: storage unavailable', err);
    return 'unavailable';
  }
}

export default async function Home() {
  const state = await setupState();
  const h = await headers();
  const origin = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000'}`;

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <div className="mx-auto flex max-w-3xl items-center justify-between gap-4 px-4 py-3">
          <span className="font-semibold tracking-tight">
            Switchboard <span className="text-xs font-normal text-zinc-500">v{SWITCHBOARD_VERSION}</span>
          </span>
          <nav aria-label="Main" className="flex gap-4 text-sm">
            <Link href="/docs" className="hover:underline">
              API docs
            </Link>
            <a href="/api/v1/openapi.json" className="hover:underline">
              OpenAPI
            </a>
          </nav>
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl flex-1 px-4 py-10">
        {state === 'setup' && (
          <section aria-labelledby="setup-title" className="max-w-xl">
            <h1 id="setup-title" className="text-2xl font-semibold tracking-tight">
              Set up Switchboard
            </h1>
            <p className="mt-2 mb-8 text-sm text-zinc-600 dark:text-zinc-400">
              Create the first platform admin. You get an API token for the REST API right away; keep it somewhere safe.
            </p>
            <SetupForm catalogs={Object.values(CATALOGS).map(({ name, title, description }) => ({ name, title, description }))} />
          </section>
        )}
        {state === 'ready' && <Ready origin={origin} />}
        {state === 'unavailable' && (
          <section role="alert" className="max-w-xl rounded-lg border border-red-300 bg-red-50 p-5 dark:border-red-900 dark:bg-red-950/50">
            <h1 className="text-lg font-semibold text-red-900 dark:text-red-200">The database is unavailable</h1>
            <p className="mt-2 text-sm text-red-900 dark:text-red-200">
              Switchboard could not open its storage. Check that PostgreSQL is reachable at <code>DATABASE_URL</code> (or, without it, that the
              data directory is writable) and that <code>ENCRYPTION_KEY</code> is the key this database was set up with. The server log has the
              details. This page recovers on its own once storage is back.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}

function Ready({ origin }: { origin: string }) {
  const linkClass = 'mt-1 block font-mono text-sm break-all text-indigo-700 hover:underline dark:text-indigo-400';
  return (
    <section aria-labelledby="ready-title" className="space-y-8">
      <div>
        <h1 id="ready-title" className="text-2xl font-semibold tracking-tight">
          Switchboard is running
        </h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Settings, feature flags and preferences, resolved down your scope hierarchy. Services read them through the API.
        </p>
      </div>
      <ul className="grid gap-3 sm:grid-cols-3">
        <Place label="REST API" note="JSON, authenticated with an API token">
          <p className="mt-1 font-mono text-sm break-all">{origin}/api/v1</p>
        </Place>
        <Place label="OpenAPI 3.1 document" note="for client generators and API tools">
          <a href="/api/v1/openapi.json" className={linkClass}>
            /api/v1/openapi.json
          </a>
        </Place>
        <Place label="API docs" note="every endpoint with its parameters and errors">
          <Link href="/docs" className={linkClass}>
            /docs
          </Link>
        </Place>
      </ul>
      <div className="space-y-2">
        <h2 className="text-sm font-semibold">Read a value</h2>
        <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs leading-relaxed text-zinc-100">
          {[
            `curl -H "Authorization: Bearer $SWITCHBOARD_TOKEN" ${origin}/api/v1/settings`,
            `curl -H "Authorization: Bearer $SWITCHBOARD_TOKEN" "${origin}/api/v1/settings/<key>/resolve?scope=global"`,
          ].join('\n')}
        </pre>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Use the token shown at setup, or one issued with POST /api/v1/tokens.</p>
      </div>
    </section>
  );
}

function Place({ label, note, children }: { label: string; note: string; children: React.ReactNode }) {
  return (
    <li className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <p className="text-sm font-medium">{label}</p>
      {children}
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{note}</p>
    </li>
  );
}
