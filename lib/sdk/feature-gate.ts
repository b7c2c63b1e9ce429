/**
 * Feature gates (seed 003 §7.3, §10.4): a route behind a flag that is off for the caller answers 404, exactly
 * like a route that does not exist, so disabled features reveal nothing. Works with any OpenFeature client
 * (`OpenFeature.getClient()` with the SwitchboardProvider or the official OFREP provider). An evaluation
 * error counts as off.
 *
 *   // Next.js route handler
 *   export const GET = withFeatureGate('feature.bilateralScheduler', handler, { client, contextFrom });
 *
 *   // Express (or Connect) middleware
 *   app.use('/api/bilateral-meetings', featureGate('feature.bilateralScheduler', { client, contextFrom }));
 *
 *   // plain Node http
 *   const gate = featureGate('feature.bilateralScheduler', { client, contextFrom });
 *   http.createServer((req, res) => gate(req, res, () => handler(req, res)));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EvaluationContext } from '@openfeature/server-sdk';

/** What a gate needs of an OpenFeature client. */
export interface FlagClient {
  getBooleanValue(flagKey: string, defaultValue: boolean, context?: EvaluationContext): Promise<boolean>;
}

export interface FeatureGateOptions<Req> {
  client: FlagClient;
  /** The caller's evaluation context: `targetingKey` (user id), `tenantId`, `eventId`, `role`. */
  contextFrom?: (req: Req) => EvaluationContext | Promise<EvaluationContext>;
}

const notFound = (method: string | undefined, path: string) => ({ error: { code: 'NOT_FOUND', message: `No such endpoint: ${method ?? 'GET'} ${path}` } });

async function isOn<Req>(flagKey: string, req: Req, { client, contextFrom }: FeatureGateOptions<Req>): Promise<boolean> {
  try {
    return await client.getBooleanValue(flagKey, false, await contextFrom?.(req));
  } catch {
    return false;
  }
}

/** Wraps a Next.js route handler (Request → Response): 404 while `flagKey` is off for the caller. */
export function withFeatureGate<Rest extends unknown[]>(
  flagKey: string,
  handler: (req: Request, ...rest: Rest) => Response | Promise<Response>,
  options: FeatureGateOptions<Request>,
): (req: Request, ...rest: Rest) => Promise<Response> {
  return async (req, ...rest) => {
    if (await isOn(flagKey, req, options)) return handler(req, ...rest);
    return Response.json(notFound(req.method, new URL(req.url).pathname), { status: 404, headers: { 'cache-control': 'no-store' } });
  };
}

/** Express/Connect-style middleware `(req, res, next)`, also for plain Node http: 404 while `flagKey` is off. */
export function featureGate<Req extends IncomingMessage = IncomingMessage>(
  flagKey: string,
  options: FeatureGateOptions<Req>,
): (req: Req, res: ServerResponse, next: () => void) => Promise<void> {
  return async (req, res, next) => {
    if (await isOn(flagKey, req, options)) return next();
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    // Express strips the mount path from req.url; originalUrl keeps it
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    res.end(JSON.stringify(notFound(req.method, url.split('?')[0])));
  };
}
