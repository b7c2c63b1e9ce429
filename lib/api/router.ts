import 'server-only';
import type { z } from 'zod';
import { authenticate } from '@/lib/auth/authenticate';
import { primaryRole, type Principal } from '@/lib/auth/policy';
import { getApp, type App } from '@/lib/services/kernel/app';
import type { ChangeContext } from '@/lib/services/audit/types';
import { ServiceError } from '@/lib/services/kernel/errors';
import { isSetupComplete } from '@/lib/services/setup/status';
import { clientIp, errorResponse, json, parseWith, readJsonBody } from './http';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HandlerContext<Q, B, Auth extends boolean> {
  req: Request;
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
  bodyLimit?: number;
  /**
   * A protocol of its own (OFREP) that reads its body itself and answers its own error bodies: documented
   * here, by status, instead of API.md's error codes.
   */
  protocol?: { body: z.ZodType; responses: Record<number, { description: string; schema?: z.ZodType }> };
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

  /** Request → Response for every API route: auth, setup gate, parsing, errors. */
  async handle(req: Request, appOverride?: App): Promise<Response> {
    const url = new URL(req.url);
    const found = this.match(req.method === 'HEAD' ? 'GET' : req.method, url.pathname);
    if (!found) return errorResponse('NOT_FOUND', `No such endpoint: ${req.method} ${url.pathname}`);
    if ('allowed' in found) return errorResponse('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, undefined, undefined, { allow: found.allowed.join(', ') });
    const { route: r, params } = found;
    let app: App | undefined = appOverride;
    try {
      if (r.storage === false) return toResponse(await r.handler({ req, params, principal: null } as never), r);
      app ??= await getApp();
      if (!r.beforeSetup && !(await isSetupComplete(app))) {
        return errorResponse('SETUP_REQUIRED', 'Switchboard is not set up yet: POST /api/v1/setup/bootstrap or open the web app');
      }
      const principal = await authenticate(app, req);
      if (r.auth !== false && !principal) {
        return errorResponse('UNAUTHENTICATED', 'Missing, invalid, revoked or expired credentials', undefined, undefined, { 'www-authenticate': 'Bearer' });
      }
      const query = r.query ? parseWith(r.query, Object.fromEntries(url.searchParams), 'query') : undefined;
      const body = r.body ? parseWith(r.body, await readJsonBody(req, r.bodyLimit), 'body') : undefined;
      const change: ChangeContext = {
        actor: principal ? { id: principal.userId, name: principal.name, role: primaryRole(principal) } : { id: null, name: null, role: null },
        source: principal?.via === 'session' ? 'manual' : 'api',
        ip: clientIp(req),
      };
      return toResponse(await r.handler({ req, app, principal, params, query, body, change }), r);
    } catch (err) {
      return toErrorResponse(err, app);
    }
  }
}

function toResponse(out: unknown, r: AnyRoute): Response {
  return out instanceof Response ? out : json(out, r.successStatus ?? 200);
}

export async function toErrorResponse(err: unknown, app: App | undefined): Promise<Response> {
  if (err instanceof ServiceError) return errorResponse(err.code, err.message, err.field, err.details);
  // Storage down (or never reachable): say so instead of a bare 500, so callers retry.
  if (!app || !(await app.database.ping().catch(() => false))) {
    return errorResponse('UNAVAILABLE', 'Storage is unavailable; retry shortly', undefined, undefined, { 'retry-after': '2' });
  }
  console.error('[switchboard] unhandled error', err);
  return errorResponse('INTERNAL', 'Internal error');
}
