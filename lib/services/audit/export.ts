import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TAuditEntry } from '@/lib/schemas/api';
import type { TAuditFilters } from '@/lib/schemas/audit';
import type { App } from '../kernel/app';
import { queryAudit } from './query';
import { authorizedQuery } from './read';

export const EXPORT_MAX_ROWS = 100_000;

export interface AuditExport {
  filename: string;
  contentType: string;
  body: string;
  /** Entries matching the filters; more than were exported when over EXPORT_MAX_ROWS. */
  total: number;
}

export async function exportAudit(app: App, principal: Principal, q: TAuditFilters & { format: 'csv' | 'json' }): Promise<AuditExport> {
  const { format, ...filters } = q;
  const { entries, total } = await queryAudit(app.db, { ...(await authorizedQuery(app, principal, filters)), limit: EXPORT_MAX_ROWS, offset: 0 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (format === 'csv') return { filename: `audit-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body: auditCsv(entries), total };
  const body = JSON.stringify({ exportedAt: new Date().toISOString(), exportedBy: principal.userId, total, entries });
  return { filename: `audit-${stamp}.json`, contentType: 'application/json; charset=utf-8', body, total };
}

const CSV_COLUMNS = ['id', 'at', 'actorId', 'actorName', 'actorRole', 'action', 'key', 'scopeId', 'level', 'oldValue', 'newValue', 'reason', 'source', 'ip', 'version', 'details'] as const;
/** Columns holding JSON values: written as JSON so "5" and 5 stay apart. */
const JSON_COLUMNS = new Set<string>(['oldValue', 'newValue', 'details']);

/** RFC 4180 cell; text a spreadsheet would run as a formula gets a leading apostrophe. */
function csvCell(value: unknown, asJson: boolean): string {
  if (value === null || value === undefined) return '';
  let s = asJson ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(entries: TAuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c], JSON_COLUMNS.has(c))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
