/**
 * A Server-Sent Events reader over fetch (Node has no EventSource, and headers carry the token): it
 * resumes with `Last-Event-ID`, reconnects with exponential backoff and full jitter, and treats a silent
 * connection (no heartbeat for 45 s; the server sends one every 15 s) as dropped.
 */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface StreamHandlers {
  onOpen(): void;
  onEvent(e: SseEvent): void;
  /** The connection failed or ended; `retryInMs` until the next attempt. */
  onDown(reason: string, retryInMs: number): void;
}

export interface StreamOptions {
  url: string;
  headers: Record<string, string>;
  minMs: number;
  maxMs: number;
  fetch: typeof fetch;
}

const SILENCE_MS = 45_000;

export class EventStream {
  private lastEventId: string | undefined;
  private attempt = 0;
  private closed = false;
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: StreamOptions,
    private readonly handlers: StreamHandlers,
  ) {}

  start() {
    void this.connect();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  /** Full jitter: a random delay up to min(max, min·2^attempt). */
  private nextDelay(): number {
    const cap = Math.min(this.options.maxMs, this.options.minMs * 2 ** this.attempt++);
    return Math.round(Math.random() * cap);
  }

  private async connect() {
    if (this.closed) return;
    const controller = (this.controller = new AbortController());
    let silence: ReturnType<typeof setTimeout> | undefined;
    const quiet = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(new Error('no heartbeat for 45 s')), SILENCE_MS);
      silence.unref?.();
    };
    let reason = 'the stream ended';
    try {
      const headers: Record<string, string> = { ...this.options.headers, accept: 'text/event-stream' };
      if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
      const res = await this.options.fetch(this.options.url, { headers, signal: controller.signal });
      if (!res.ok || !res.body) {
        reason = `the stream answered ${res.status}`;
        await res.body?.cancel();
      } else {
        this.attempt = 0;
        quiet();
        this.handlers.onOpen();
        await this.read(res.body, quiet);
      }
    } catch (e) {
      reason = controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason.message : e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(silence);
    }
    if (this.closed) return;
    const delay = this.nextDelay();
    this.handlers.onDown(reason, delay);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref?.();
  }

  private async read(body: ReadableStream<Uint8Array>, quiet: () => void) {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      quiet();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer[end] === '\r' ? 4 : 2));
        this.dispatch(block);
      }
    }
  }

  private dispatch(block: string) {
    let event = 'message';
    const data: string[] = [];
    let id: string | undefined;
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue; // comments are heartbeats
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (id !== undefined) this.lastEventId = id;
    if (data.length) this.handlers.onEvent({ event, data: data.join('\n'), id });
  }
}
