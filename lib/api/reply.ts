/**
 * An API answer before it is written: status, a ready JSON (or empty) body, and headers. Both adapters write
 * it — the Node one straight onto the socket with Content-Length, the Fetch one as a `Response` — so a hot
 * read never builds Web `Headers`/`Response`/stream objects on the production server.
 */
export type HeaderBag = Readonly<Record<string, string>>;

/** The headers of every JSON answer, shared rather than rebuilt per request. */
export const JSON_HEADERS: HeaderBag = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });

export class Reply {
  constructor(
    readonly status: number,
    /** Already serialized; null for an empty body (304). */
    readonly body: string | null,
    readonly headers: HeaderBag = JSON_HEADERS,
    /** Close the connection after answering (a refused body that was not read to its end). */
    readonly close = false,
  ) {}

  toResponse(): Response {
    const headers: Record<string, string> = { ...this.headers };
    if (this.body !== null) headers['content-length'] = String(Buffer.byteLength(this.body));
    if (this.close) headers.connection = 'close';
    return new Response(this.body, { status: this.status, headers });
  }
}
