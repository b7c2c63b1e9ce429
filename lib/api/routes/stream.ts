import 'server-only';
import { authenticate } from '@/lib/auth/authenticate';
import { ZStreamChange, ZStreamQuery } from '@/lib/schemas/stream';
import { openStream } from '@/lib/services/stream/subscribe';
import { route } from '../router';

/** Server-Sent Events: never cached, never buffered by a proxy (X-Accel-Buffering for nginx). */
export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' };

export const streamRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/stream',
    summary:
      'Live changes as Server-Sent Events: `setting.changed`, `flag.changed`, `maintenance` (data: key, scopeId, version, at, value when you may read it and it is no secret) and `reset` (refetch). Resume with Last-Event-ID.',
    tags: ['Live changes'],
    query: ZStreamQuery,
    response: ZStreamChange,
    streaming: 'text/event-stream',
    errors: ['INVALID_REQUEST', 'SCOPE_NOT_FOUND', 'RATE_LIMITED'],
    handler: async ({ app, principal, query, req }) => {
      const body = await openStream(app, principal, query, { lastEventId: req.headers.get('last-event-id'), reauthenticate: () => authenticate(app, req) });
      return new Response(body, { headers: SSE_HEADERS });
    },
  }),
];
