import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/current';
import type { OpenApiOperation } from '@/lib/api/openapi';
import { openApiDocument } from '@/lib/api/routes';
import { DocsNav, type NavGroup } from '@/components/docs/docs-nav';
import { Endpoint } from '@/components/docs/endpoint';
import { Description } from '@/components/docs/text';

export const metadata: Metadata = { title: 'API docs' };

const slug = (s: string) => `tag-${s.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

export default async function DocsPage() {
  await requirePage('/docs');
  const doc = openApiDocument();
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op: op as OpenApiOperation })),
  );
  const groups = doc.tags.map(({ name }) => ({ tag: name, id: slug(name), operations: operations.filter((o) => o.op.tags[0] === name) }));
  const nav: NavGroup[] = groups.map((g) => ({ ...g, endpoints: g.operations.map((o) => ({ id: o.op.operationId, method: o.method, path: o.path })) }));

  return (
    <div className="grid gap-8 xl:grid-cols-[15rem_minmax(0,1fr)]">
      <aside className="hidden xl:block">
        <nav aria-label="Endpoints" className="sticky top-20 max-h-[calc(100dvh-6rem)] overflow-y-auto pr-2">
          <DocsNav groups={nav} />
        </nav>
      </aside>

      <div className="min-w-0">
        <details className="mb-8 rounded-lg border border-zinc-200 xl:hidden dark:border-zinc-800">
          <summary className="cursor-pointer px-4 py-3 text-sm font-semibold">Endpoints</summary>
          <nav aria-label="Endpoints" className="border-t border-zinc-200 px-4 py-4 dark:border-zinc-800">
            <DocsNav groups={nav} />
          </nav>
        </details>

        <section id="overview" aria-labelledby="overview-title" className="max-w-3xl">
          <h1 id="overview-title" className="text-3xl font-semibold tracking-tight">
            {doc.info.title} API
          </h1>
          <div className="text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">
            <Description text={doc.info.description} />
            <p className="my-3">
              Machine-readable: <a href="/api/v1/openapi.json" className="font-mono text-indigo-700 hover:underline dark:text-indigo-400">/api/v1/openapi.json</a>{' '}
              (OpenAPI {doc.openapi}). Endpoints marked <em>API token</em> take either header (or, from this web app, its session cookie):
            </p>
            <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs text-zinc-100">
              {'Authorization: Bearer <token>\nX-API-Key: <token>'}
            </pre>
          </div>
        </section>

        {groups.map((g) => (
          <section key={g.id} id={g.id} aria-labelledby={`${g.id}-title`} className="mt-12">
            <h2 id={`${g.id}-title`} className="mb-4 text-xl font-semibold tracking-tight">
              {g.tag}
            </h2>
            <div className="space-y-6">
              {g.operations.map((o) => (
                <Endpoint key={o.op.operationId} method={o.method} path={o.path} op={o.op} schemas={doc.components.schemas} />
              ))}
            </div>
          </section>
        ))}
      </div>
    </div>
  );
}
