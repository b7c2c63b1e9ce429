/** The audit page's filters as they travel in its URL (dates as YYYY-MM-DD) and on to the API. Client-safe. */

export const AUDIT_FILTERS = ['key', 'category', 'actor', 'scope', 'source', 'from', 'to'] as const;
export type AuditFilters = Partial<Record<(typeof AUDIT_FILTERS)[number], string>>;

type SearchParams = Record<string, string | string[] | undefined>;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Known filters from a URL query: trimmed, empty ones dropped, dates only when they are dates. */
export function readFilters(sp: SearchParams): AuditFilters {
  const out: AuditFilters = {};
  for (const name of AUDIT_FILTERS) {
    const raw = sp[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 200);
    if (!value) continue;
    if ((name === 'from' || name === 'to') && !(DAY.test(value) && !Number.isNaN(Date.parse(value)))) continue;
    out[name] = value;
  }
  return out;
}

/** The API's query for these filters: a date range covers whole days in UTC, the zone times are shown in. */
export function apiQuery(f: AuditFilters): Record<string, string> {
  const out: Record<string, string> = { ...f };
  if (f.from) out.from = `${f.from}T00:00:00.000Z`;
  if (f.to) out.to = `${f.to}T23:59:59.999Z`;
  return out;
}
