import { Fragment } from 'react';
import type { JsonSchema, OpenApiOperation } from '@/lib/api/openapi';
import { constraints, SchemaView, typeLabel } from './schema-view';
import { InlineCode } from './text';

type Schemas = Record<string, JsonSchema>;

const METHOD_COLORS: Record<string, string> = {
  get: 'bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300',
  post: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300',
  put: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300',
  patch: 'bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300',
  delete: 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-300',
};

export function MethodBadge({ method, small }: { method: string; small?: boolean }) {
  return (
    <span
      className={`inline-block shrink-0 rounded text-center font-mono font-semibold uppercase ${small ? 'w-12 py-px text-[0.625rem]' : 'w-16 py-0.5 text-xs'} ${METHOD_COLORS[method] ?? ''}`}
    >
      {method}
    </span>
  );
}

/** The path with its `{parameters}` set apart, breakable after each `/` on narrow screens. */
export function PathText({ path }: { path: string }) {
  return path.split(/(\{\w+\}|\/)/).map((part, i) =>
    part === '/' ? (
      <Fragment key={i}>
        /<wbr />
      </Fragment>
    ) : part.startsWith('{') ? (
      <span key={i} className="text-indigo-700 dark:text-indigo-400">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

const isGenericObject = (s: JsonSchema) => s.type === 'object' && Object.keys(s).length === 1;

function Heading({ children }: { children: React.ReactNode }) {
  return <h4 className="mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{children}</h4>;
}

export function Endpoint({ method, path, op, schemas }: { method: string; path: string; op: OpenApiOperation; schemas: Schemas }) {
  const body = op.requestBody?.content['application/json'].schema;
  const statuses = Object.keys(op.responses).sort();
  const success = statuses.filter((s) => Number(s) < 400);
  const errors = statuses.filter((s) => Number(s) >= 400);
  const isPublic = op.security?.length === 0;

  return (
    <section id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="rounded-lg border border-zinc-200 dark:border-zinc-800">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <MethodBadge method={method} />
        <h3 id={`${op.operationId}-title`} className="min-w-0 flex-1 font-mono text-sm font-semibold break-words">
          <span className="sr-only">{method.toUpperCase()} </span>
          <PathText path={path} />
        </h3>
        <span
          className={`rounded-full px-2 py-0.5 text-xs ${isPublic ? 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300' : 'bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300'}`}
        >
          {isPublic ? 'No auth' : 'API token'}
        </span>
      </header>
      <div className="space-y-5 px-4 py-4">
        <p className="text-sm">
          <InlineCode text={op.summary} />
        </p>

        {op.parameters && (
          <div>
            <Heading>Parameters</Heading>
            <div className="overflow-x-auto">
              <table className="w-full min-w-[32rem] text-left text-sm">
                <thead className="text-xs text-zinc-500 dark:text-zinc-400">
                  <tr>
                    <th scope="col" className="py-1 pr-3 font-medium">Name</th>
                    <th scope="col" className="py-1 pr-3 font-medium">In</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Type</th>
                    <th scope="col" className="py-1 font-medium">Details</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {op.parameters.map((p) => {
                    const rules = constraints(p.schema, schemas);
                    return (
                      <tr key={`${p.in}:${p.name}`} className="align-top">
                        <td className="py-1.5 pr-3 font-mono text-[0.8125rem] font-semibold whitespace-nowrap">
                          {p.name}
                          {p.required && (
                            <span className="ml-1 text-rose-700 dark:text-rose-400" title="required">
                              *<span className="sr-only"> (required)</span>
                            </span>
                          )}
                        </td>
                        <td className="py-1.5 pr-3 text-zinc-600 dark:text-zinc-400">{p.in}</td>
                        <td className="py-1.5 pr-3 font-mono text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">{typeLabel(p.schema, schemas)}</td>
                        <td className="py-1.5 text-zinc-700 dark:text-zinc-300">
                          {p.description && <InlineCode text={p.description} />}
                          {rules.length > 0 && <span className="block text-xs break-all text-zinc-500">{rules.join(' · ')}</span>}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        )}

        {body && (
          <div>
            <Heading>Request body</Heading>
            <SchemaView schema={body} schemas={schemas} />
          </div>
        )}

        {success.map((status) => {
          const content = op.responses[status].content;
          const schema = (content?.['application/json'] ?? content?.['text/event-stream'])?.schema;
          return (
            <div key={status}>
              <Heading>
                Response {status} {op.responses[status].description}
              </Heading>
              {!schema || isGenericObject(schema) ? (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">A JSON object.</p>
              ) : (
                <SchemaView schema={schema} schemas={schemas} />
              )}
            </div>
          );
        })}

        {errors.length > 0 && (
          <div>
            <Heading>Errors</Heading>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
              {errors.map((status) => (
                <div key={status} className="contents">
                  <dt className="font-mono text-xs leading-6 text-zinc-600 dark:text-zinc-400">{status}</dt>
                  <dd className="flex flex-wrap gap-1.5">
                    {(op.responses[status]['x-error-codes'] ?? [op.responses[status].description]).map((code) => (
                      <code key={code} className="rounded bg-rose-50 px-1.5 py-0.5 font-mono text-xs text-rose-800 dark:bg-rose-950/60 dark:text-rose-300">
                        {code}
                      </code>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}
