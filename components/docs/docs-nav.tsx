import { MethodBadge, PathText } from './endpoint';

export interface NavGroup {
  tag: string;
  id: string;
  endpoints: { id: string; method: string; path: string }[];
}

/** The endpoint index, grouped by tag (the sidebar on wide screens, a disclosure on phones). */
export function DocsNav({ groups }: { groups: NavGroup[] }) {
  return (
    <ul className="space-y-5 text-sm">
      <li>
        <a href="#overview" className="font-semibold hover:underline">
          Overview
        </a>
      </li>
      {groups.map((g) => (
        <li key={g.id}>
          <a href={`#${g.id}`} className="font-semibold hover:underline">
            {g.tag}
          </a>
          <ul className="mt-2 space-y-1">
            {g.endpoints.map((e) => (
              <li key={e.id}>
                <a href={`#${e.id}`} className="flex items-start gap-2 rounded px-1 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  <MethodBadge method={e.method} small />
                  <span className="min-w-0 font-mono text-xs break-words text-zinc-700 dark:text-zinc-300">
                    <PathText path={e.path.replace(/^\/api\/v1/, '')} />
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
