import 'server-only';
import { z } from 'zod';
import { hasForbiddenKey } from '@/lib/engine/document';
import { ServiceError, type ErrorCode, ERROR_STATUS } from '@/lib/services/kernel/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function errorResponse(code: ErrorCode, message: string, field?: string, details?: unknown, headers?: Record<string, string>): Response {
  const error: Record<string, unknown> = { code, message };
  if (field !== undefined) error.field = field;
  if (details !== undefined) error.details = details;
  return json({ error }, ERROR_STATUS[code], headers);
}

/** Reads a JSON body: size-capped, syntax-checked, and refusing `__proto__` anywhere in it. */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new ServiceError('PAYLOAD_TOO_LARGE', `Body is larger than ${limit} bytes`);
  const type = req.headers.get('content-type') ?? '';
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ServiceError('INVALID_REQUEST', 'Content-Type must be application/json');
  }
  const text = await readText(req, limit);
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ServiceError('INVALID_REQUEST', `Malformed JSON: ${(e as Error).message}`);
  }
  const bad = hasForbiddenKey(body);
  if (bad !== null) throw new ServiceError('INVALID_REQUEST', `Forbidden key "${bad}" in body`, bad);
  return body;
}

async function readText(req: Request, limit: number): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ServiceError('PAYLOAD_TOO_LARGE', `Body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Zod failure → 400 INVALID_REQUEST naming the first bad field. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, what: 'body' | 'query'): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : undefined;
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unknown ${what === 'body' ? 'field' : 'parameter'}${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`
      : input === undefined && what === 'body'
        ? 'A JSON body is required'
        : `${field ? `${field}: ` : ''}${issue.message}`;
  throw new ServiceError('INVALID_REQUEST', message, field, r.error.issues.length > 1 ? { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } : undefined);
}

export function clientIp(req: Request): string | null {
  const fwd = req.headers.get('x-forwarded-for');
  if (fwd) return fwd.split(',')[0].trim();
  return req.headers.get('x-real-ip');
}

/** `If-Match: "3"` → 3. A malformed header is a 400, not a silently ignored precondition. */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.headers.get('if-match');
  if (raw === null) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m) throw new ServiceError('INVALID_REQUEST', 'If-Match must be a version, e.g. "3"', 'If-Match');
  return Number(m[1]);
}

export const etag = (version: number) => ({ etag: `"${version}"` });
