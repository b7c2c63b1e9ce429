import 'server-only';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { App } from '@/lib/services/kernel/app';
import { Reply } from './reply';
import { checkDeclaredLength, MAX_BODY_BYTES, tooLarge, type ApiRequest } from './request';
import type { Router } from './router';

/**
 * The router on plain Node http, without Fetch objects: the production server's API path. The request is
 * read where it lies (headers from `req.headers`, the body only when the route reads one, never past its
 * limit); a `Reply` is written once with Content-Length. Only a handler that streams (the audit export)
 * returns a `Response`, which is piped.
 */
export function serveApi(router: Router, req: IncomingMessage, res: ServerResponse, app?: App): void {
  router
    .dispatch(new NodeApiRequest(req), app)
    .then((out) => (out instanceof Reply ? writeReply(res, out) : sendWebResponse(res, out)))
    .catch((err) => {
      console.error('[switchboard] request failed', err);
      if (!res.headersSent) writeReply(res, INTERNAL);
      else res.destroy();
    });
}

const INTERNAL = new Reply(500, JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error' } }));

export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: string[] = [];
  for (const name in reply.headers) headers.push(name, reply.headers[name]);
  if (reply.body !== null) headers.push('content-length', String(Buffer.byteLength(reply.body)));
  if (reply.close) headers.push('connection', 'close');
  res.writeHead(reply.status, headers);
  res.end(reply.body ?? undefined);
}

// a path the WHATWG URL parser would leave as it is: no characters it encodes, no (encoded) dot segments
const PLAIN_PATH = /^\/[\w\-~%!$&'()*+,;=:@/.]*$/;
const plainPath = (path: string) => PLAIN_PATH.test(path) && !path.includes('/.') && !/%2e/i.test(path);

/** Node's parsed headers read as `Headers.get` reads them (names lower-case, repeated values joined). */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
}

/** An IncomingMessage as the router reads it. */
export class NodeApiRequest implements ApiRequest {
  readonly pathname: string;
  readonly search: string;
  readonly headers: { get(name: string): string | null };
  bodyLimit = MAX_BODY_BYTES;
  constructor(private readonly req: IncomingMessage) {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    if (plainPath(path)) {
      this.pathname = path;
      this.search = q < 0 ? '' : raw.slice(q);
    } else {
      // the same pathname the Fetch adapter would see (dot segments resolved, odd characters encoded)
      const url = new URL(raw, 'http://localhost');
      this.pathname = url.pathname;
      this.search = url.search;
    }
    this.headers = new NodeHeaders(req.headers);
  }
  get method() {
    return this.req.method ?? 'GET';
  }
  async text(): Promise<string> {
    checkDeclaredLength(this);
    return (await readLimited(this.req, this.bodyLimit)).toString('utf8');
  }
}

/**
 * Reads a stream to its end, keeping at most `limit` bytes: the chunk that passes the limit is dropped, the
 * stream paused and the read refused with PAYLOAD_TOO_LARGE, so nothing past it is buffered.
 */
export function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      stream.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.pause();
        done(tooLarge(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onClose = () => done(new Error('The client closed the connection before its body ended'));
    stream.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/**
 * Node request → Fetch `Request`, for serving the router's Fetch entry (`router.handle`) from a Node server
 * (the integration tests run every suite through both entries). The body is streamed, so the router's
 * limit applies to it as it does under Next.
 */
export function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    ...(hasBody && { body: bodyStream(req), duplex: 'half' }),
  } as RequestInit);
}

/** The request body as a Web stream that pulls as it is read; cancelling stops reading (the socket stays up to answer). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      // after a cancel the controller is closed already: nothing to tell it
      req.once('end', () => void tryTo(() => controller.close()));
      req.once('error', (e) => void tryTo(() => controller.error(e)));
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.pause();
      req.removeAllListeners('data');
    },
  });
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // streamed, so Server-Sent Events flow as they are produced; a full socket stops the reading (the
  // producer then sees its own queue grow and may drop a slow consumer) instead of buffering here
  const reader = response.body.getReader();
  let gone = false;
  res.on('close', () => {
    gone = true;
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      if (!res.write(value)) await new Promise<void>((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    }
  } catch {
    // the producer ended the stream with an error (a dropped consumer): cut the connection, nothing more to say
    res.destroy();
    return;
  }
  res.end();
}

function tryTo(fn: () => void) {
  try {
    fn();
  } catch {
    // see the caller
  }
}
