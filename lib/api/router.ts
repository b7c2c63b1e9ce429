import 'server-only';
import type { z } from 'zod';
import { authenticate } from '@/lib/auth/authenticate';
import { primaryRole, type Principal } from '@/lib/auth/policy';
import { getApp, type App } from '@/lib/services/kernel/app';
import type { ChangeContext } from '@/lib/services/audit/types';
import { ServiceError } from '@/lib/services/kernel/errors';
import { isSetupComplete } from '@/lib/services/setup/status';
import { refuseDuringMaintenance } from '@/lib/services/maintenance/state';
import { takeApiByIp, takeApiByPrincipal } from '@/lib/services/throttle';
import { clientIp, errorResponse, json, parseWith, readJsonBody } from './http';
import { Reply } from './reply';
import { FetchApiRequest, MAX_BODY_BYTES, type ApiRequest } from './request';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HandlerContext<Q, B, Auth extends boolean> {
  req: ApiRequest;
  app: App;
  principal: Auth extends true ? Principal : Principal | null;
  params: Record<string, string>;
  query: Q;
  body: B;
  /** Who/where for audit entries of this request. */
  change: ChangeContext;
}

export interface Route<Q = unknown, B = unknown, Auth extends boolean = boolean> {
  method: Method;
  /** e.g. `/api/v1/settings/:key` */
  path: string;
  summary: string;
  tags: string[];
  /** Defaults to true: 401 without valid credentials. */
  auth?: Auth;
  /** Reachable before first-run setup (otherwise 503 SETUP_REQUIRED). */
  beforeSetup?: boolean;
  /** false: the handler never touches storage (e.g. the OpenAPI document), so it answers even when the database is down. */
  storage?: false;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Documented response body (OpenAPI). */
  response?: z.ZodType;
  successStatus?: number;
  /** Extra error codes worth documenting. */
  errors?: string[];
  /**
   * The most body this route reads, decided before a byte is read (default MAX_BODY_BYTES, 1 MiB). More
   * only for an authenticated route (imports, restores: 10 MiB).
   */
  bodyLimit?: number;
  /** A body the handler reads itself (JSON, or a multipart file upload), documented with this schema. */
  upload?: z.ZodType;
  /**
   * A protocol of its own (OFREP) that reads its body itself and answers its own error bodies: documented
   * here, by status, instead of API.md's error codes.
   */
  protocol?: { body: z.ZodType; responses: Record<number, { description: string; schema?: z.ZodType }> };
  /** A POST/PUT/DELETE that changes no configuration (an evaluation, a check, signing out): served in maintenance mode. */
  duringMaintenance?: true;
  /** The answer is a stream of this media type (Server-Sent Events): `response` documents one event's data. */
  streaming?: 'text/event-stream';
  handler(ctx: HandlerContext<Q, B, Auth>): Promise<unknown>;
}

// Each route is declared with its own schema types; the table holds them type-erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any>;

export function route<Q = undefined, B = undefined, Auth extends boolean = true>(r: Route<Q, B, Auth>): AnyRoute {
  return r as AnyRoute;
}

interface Compiled {
  route: AnyRoute;
  segments: string[];
  /** literal segments count: more literal = more specific (/settings/schema before /settings/:key). */
  specificity: number;
}

export class Router {
  private compiled: Compiled[];
  constructor(readonly routes: AnyRoute[]) {
    for (const r of routes) {
      if ((r.bodyLimit ?? 0) > MAX_BODY_BYTES && r.auth === false) throw new Error(`${r.method} ${r.path}: only an authenticated route may read more than ${MAX_BODY_BYTES} bytes`);
    }
    this.compiled = routes
      .map((r) => {
        const segments = r.path.split('/').filter(Boolean);
        return { route: r, segments, specificity: segments.reduce((n, s, i) => n + (s.startsWith(':') ? 0 : 2 ** (16 - i)), 0) };
      })
      .sort((a, b) => b.specificity - a.specificity);
  }

  match(method: string, pathname: string): { route: AnyRoute; params: Record<string, string> } | { allowed: string[] } | null {
    const parts = pathname.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const c of this.compiled) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = c.segments[i];
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            ok = false;
            break;
          }
        } else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (c.route.method === method) return { route: c.route, params };
      allowed.push(c.route.method);
    }
    return allowed.length ? { allowed } : null;
  }

  /** The Fetch entry (`next dev`, route handlers, tests): Request → Response. */
  async handle(req: Request, appOverride?: App): Promise<Response> {
    const out = await this.dispatch(new FetchApiRequest(req), appOverride);
    return out instanceof Reply ? out.toResponse() : out;
  }

  /** Every API route, whichever adapter the request came through: auth, setup gate, parsing, errors. */
  async dispatch(req: ApiRequest, appOverride?: App): Promise<Reply | Response> {
    const { pathname } = req;
    const found = this.match(req.method === 'HEAD' ? 'GET' : req.method, pathname);
    if (!found) return errorResponse('NOT_FOUND', `No such endpoint: ${req.method} ${pathname}`);
    if ('allowed' in found) return errorResponse('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, undefined, undefined, { allow: found.allowed.join(', ') });
    const { route: r, params } = found;
    req.bodyLimit = r.bodyLimit ?? MAX_BODY_BYTES;
    let app: App | undefined = appOverride;
    try {
      if (r.storage === false) return toReply(await r.handler({ req, params, principal: null, app: appOverride } as never), r);
      app ??= await getApp();
      const out = await app.storage.guard(this.serve(r, req, params, app));
      // storage is down yet this answer came through: it came from the in-process caches
      return app.storage.down ? markStale(out) : out;
    } catch (err) {
      return toErrorResponse(err, app);
    }
  }

  private async serve(r: AnyRoute, req: ApiRequest, params: Record<string, string>, app: App): Promise<Reply | Response> {
    if (!r.beforeSetup && !(await isSetupComplete(app))) {
      return errorResponse('SETUP_REQUIRED', 'Switchboard is not set up yet: POST /api/v1/setup/bootstrap or open the web app');
    }
    const byIp = takeApiByIp(app, clientIp(req));
    if (!byIp.ok) return rateLimited(byIp.retryAfterSeconds, 'this address');
    const principal = await authenticate(app, req);
    const byCaller = principal ? takeApiByPrincipal(app, principal) : byIp;
    if (!byCaller.ok) return rateLimited(byCaller.retryAfterSeconds, principal?.via === 'token' ? 'this token' : 'your session');
    if (r.auth !== false && !principal) {
      return errorResponse('UNAUTHENTICATED', 'Missing, invalid, revoked or expired credentials', undefined, undefined, { 'www-authenticate': 'Bearer' });
    }
    // maintenance mode pauses changes for whoever the policy does not let through (issue 11)
    if (principal && !SAFE_METHODS.has(req.method) && !r.duringMaintenance) await refuseDuringMaintenance(app, principal);
    const query = r.query ? parseWith(r.query, Object.fromEntries(new URLSearchParams(req.search)), 'query') : undefined;
    const body = r.body ? parseWith(r.body, await readJsonBody(req), 'body') : undefined;
    const change: ChangeContext = {
      actor: principal ? { id: principal.userId, name: principal.name, role: primaryRole(principal) } : { id: null, name: null, role: null },
      source: principal?.via === 'session' ? 'manual' : 'api',
      ip: clientIp(req),
    };
    return toReply(await r.handler({ req, app, principal, params, query, body, change }), r);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Set on answers served from the in-process caches while storage is down. */
export const STALE_HEADER = 'x-switchboard-stale';

function markStale(out: Reply | Response): Reply | Response {
  if (out instanceof Response) {
    out.headers.set(STALE_HEADER, 'true');
    return out;
  }
  return new Reply(out.status, out.body, { ...out.headers, [STALE_HEADER]: 'true' }, out.close);
}

const rateLimited = (seconds: number, who: string) =>
  errorResponse('RATE_LIMITED', `Too many requests from ${who}; retry in ${seconds} s`, undefined, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });

function toReply(out: unknown, r: AnyRoute): Reply | Response {
  return out instanceof Reply || out instanceof Response ? out : json(out, r.successStatus ?? 200);
}

/** What a client should wait before retrying, for the codes that have one. */
function retryAfter(err: ServiceError): Record<string, string> | undefined {
  if (err.code === 'UNAVAILABLE') return { 'retry-after': '2' };
  const wait = err.code === 'RATE_LIMITED' ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
  return wait ? { 'retry-after': String(wait) } : undefined;
}

export async function toErrorResponse(err: unknown, app: App | undefined): Promise<Reply> {
  if (err instanceof ServiceError) {
    const reply = errorResponse(err.code, err.message, err.field, err.details, retryAfter(err));
    // the rest of a refused body is never read: the connection cannot carry another request
    return err.code === 'PAYLOAD_TOO_LARGE' ? new Reply(reply.status, reply.body, reply.headers, true) : reply;
  }
  // Storage down (or never reachable): say so instead of a bare 500, so callers retry.
  if (!app || app.storage.noteFailure(err) || !(await app.database.ping().catch(() => false))) {
    return errorResponse('UNAVAILABLE', 'Storage is unavailable; retry shortly', undefined, undefined, { 'retry-after': '2' });
  }
  console.error('[switchboard] unhandled error', err);
  return errorResponse('INTERNAL', 'Internal error');
}
