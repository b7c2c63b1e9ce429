import { ServiceError } from '@/lib/services/kernel/errors';

/** Bodies over this answer 413 PAYLOAD_TOO_LARGE; a route may declare more (only behind authentication). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What the router and the handlers read of a request, whichever server it came through: the Fetch
 * adapter (`next dev`, route handlers, tests) wraps a `Request`, the Node adapter (the production server)
 * wraps an `IncomingMessage` without converting it.
 */
export interface ApiRequest {
  readonly method: string;
  /** The path without the query, percent-encoded as sent. */
  readonly pathname: string;
  /** The query string, with or without its leading `?` ('' when there is none). */
  readonly search: string;
  readonly headers: { get(name: string): string | null };
  /** Set by the router from the matched route before a byte of the body is read. */
  bodyLimit: number;
  /**
   * The body as UTF-8 text, refused with PAYLOAD_TOO_LARGE when its Content-Length says it is over
   * `bodyLimit` (nothing read) or when reading passes the limit (nothing more read).
   */
  text(): Promise<string>;
}

export const tooLarge = (limit: number) => new ServiceError('PAYLOAD_TOO_LARGE', `Body is larger than ${limit} bytes`);

/** Refuses before reading when the declared length is already over the limit. */
export function checkDeclaredLength(req: Pick<ApiRequest, 'headers' | 'bodyLimit'>): void {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > req.bodyLimit) throw tooLarge(req.bodyLimit);
}

/** A Fetch `Request` as the router reads it. */
export class FetchApiRequest implements ApiRequest {
  readonly pathname: string;
  readonly search: string;
  bodyLimit = MAX_BODY_BYTES;
  constructor(private readonly req: Request) {
    const url = new URL(req.url);
    this.pathname = url.pathname;
    this.search = url.search;
  }
  get method() {
    return this.req.method;
  }
  get headers() {
    return this.req.headers;
  }
  async text(): Promise<string> {
    checkDeclaredLength(this);
    if (!this.req.body) return '';
    const reader = this.req.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.bodyLimit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(this.bodyLimit);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
