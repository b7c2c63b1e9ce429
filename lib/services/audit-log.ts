import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { TAuditFilters } from '@/lib/schemas/audit';
import type { App } from './app';
import { queryAudit, verifyAuditChain, type AuditEntry, type AuditQuery } from './audit';
import { readableScopeIds } from './context';
import { fail } from './errors';
import { scopesWhere } from './scopes';

/** Reading the audit log, with authorization: platform admins see everything, others the scopes they can read. */

export const EXPORT_MAX_ROWS = 100_000;

async function authorizedQuery(app: App, principal: Principal, f: TAuditFilters): Promise<Omit<AuditQuery, 'limit' | 'offset'>> {
  const query = { ...f, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined };
  const readable = await readableScopeIds(app, principal);
  if (readable === null) return query;
  if ((await scopesWhere(app, principal, 'audit.read'))?.length === 0) fail('INSUFFICIENT_PERMISSIONS', 'You may not read the audit log');
  if (f.scope && !readable.includes(f.scope)) fail('INSUFFICIENT_PERMISSIONS', `You may not read the audit log of scope "${f.scope}"`, 'scope');
  return { ...query, scopeIn: readable };
}

export async function listAudit(app: App, principal: Principal, q: TAuditFilters & { limit: number; offset: number }) {
  const { limit, offset, ...filters } = q;
  return queryAudit(app.db, { ...(await authorizedQuery(app, principal, filters)), limit, offset });
}

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

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c], JSON_COLUMNS.has(c))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function verifyAudit(app: App, principal: Principal) {
  if (!can(principal, 'audit.verify')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins verify the audit chain');
  return verifyAuditChain(app.db, app.secrets);
}
