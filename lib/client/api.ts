import { CSRF_HEADER } from '@/lib/auth/headers';
import { signInAgain } from './navigate';

/**
 * The web app's way to call /api/v1 with its session cookie: JSON in and out, the CSRF header on every
 * request, and errors as ApiError carrying the API's code / field / message (API.md "Conventions").
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  /** Query parameters; undefined values are left out. */
  params?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `path` is relative to /api/v1, e.g. `/settings/auth.maxLoginAttempts`. */
export async function apiRequest<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.params ?? {})) if (v !== undefined) query.set(k, String(v));
  const url = `/api/v1${path}${query.size ? `?${query}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      // a FormData body (a file upload) sets its own multipart content type
      headers: { accept: 'application/json', [CSRF_HEADER]: '1', ...(body !== undefined && !(body instanceof FormData) && { 'content-type': 'application/json' }), ...opts.headers },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Could not reach Switchboard. Check your connection and try again.');
  }
  const text = await res.text();
  const data = text ? safeJson(text) : null;
  if (res.ok) return data as T;
  const error = (data as { error?: { code?: string; message?: string; field?: string; details?: unknown } } | null)?.error;
  // the session ended (idle, expired, user disabled): back to sign-in, then here again. A 401 naming a
  // field is about a password typed into a form (revealing a secret), not about the session.
  if (res.status === 401 && !error?.field && typeof window !== 'undefined') signInAgain();
  throw new ApiError(res.status, error?.code ?? 'INTERNAL', error?.message ?? `The server answered ${res.status}.`, error?.field, error?.details);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => apiRequest<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => apiRequest<T>('POST', path, body, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => apiRequest<T>('PUT', path, body, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => apiRequest<T>('PATCH', path, body, opts),
  delete: <T>(path: string, opts?: RequestOptions) => apiRequest<T>('DELETE', path, undefined, opts),
};
