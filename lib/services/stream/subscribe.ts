import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TStreamQuery } from '@/lib/schemas/stream';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { maintenanceState } from '../maintenance/state';
import { resolveContext } from '../scopes/context';
import { hubOf, isEventId, type Hub, type HubEvent, type Subscriber } from './hub';
import { eventData, type StreamFilter } from './values';

/** A subscriber this far behind (bytes queued that its socket did not take) is dropped, not buffered for. */
export const MAX_BEHIND_BYTES = 1024 * 1024;
/** How long a client waits before reconnecting (the SSE `retry:` field). */
const RETRY_MS = 2_000;

export interface OpenStreamOptions {
  /** The `Last-Event-ID` header (wins over the query's `lastEventId`). */
  lastEventId?: string | null;
  /** Authenticates the request's credentials again: null once they were revoked or expired. */
  reauthenticate: () => Promise<Principal | null>;
}

const encoder = new TextEncoder();
/** How an event is written: `/api/v1/stream` names its events; OFREP's stream writes its own `message`s. */
export type Framer = (id: string, type: string, data: unknown) => Uint8Array | Promise<Uint8Array>;
const frame = (id: string, type: string, data: unknown): Uint8Array => encoder.encode(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * `GET /api/v1/stream`: checks the context (a scope out of reach answers like every other read: 404 or
 * 403), the resume id and the per-caller cap, then returns the event stream (Server-Sent Events).
 */
export async function openStream(app: App, principal: Principal, query: TStreamQuery, opts: OpenStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const resumeFrom = opts.lastEventId ?? query.lastEventId;
  if (resumeFrom != null && !isEventId(resumeFrom)) fail('INVALID_REQUEST', `Last-Event-ID "${resumeFrom.slice(0, 40)}" is not an event id of this stream (e.g. "1a2b3c4d-42")`, 'Last-Event-ID');
  const ctx = query.scope || query.userId ? await resolveContext(app, principal, { scope: query.scope, userId: query.userId }) : undefined;
  const filter: StreamFilter = { keys: query.keys ? new Set(query.keys) : undefined, prefix: query.prefix, path: query.scope ? ctx?.path : undefined, userId: ctx?.userId };
  const maintenance = await maintenanceState(app);
  const { stream, subscriber, hub } = createStream(app, { principal, filter, reauthenticate: opts.reauthenticate });
  // registered and replayed in one synchronous step: nothing published in between is lost or doubled
  subscriber.begin(resumeFrom ? hub.since(resumeFrom) : [], hub.lastId, maintenance.enabled ? maintenance : null);
  return stream;
}

/** Who a stream serves and how it writes; see openStream and stream/ofrep.ts. */
export interface StreamSubject {
  principal: Principal;
  filter: StreamFilter;
  reauthenticate: () => Promise<Principal | null>;
  framer?: Framer;
}

/**
 * A stream registered with the app's hub (or 429 RATE_LIMITED past the caller's cap). The caller starts it
 * with `subscriber.begin` in the same synchronous step. Authorization is the caller's (openStream, the
 * OFREP ticket), filtering per event is eventData's.
 */
export function createStream(app: App, subject: StreamSubject): { stream: ReadableStream<Uint8Array>; subscriber: StreamSubscriber; hub: Hub } {
  const hub = hubOf(app);
  let sub: StreamSubscriber | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        sub = new StreamSubscriber(app, subject.principal, subject.filter, controller, subject.reauthenticate, () => hub.remove(sub!), subject.framer);
      },
      cancel: () => sub?.close(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
  );
  if (!hub.add(sub!)) fail('RATE_LIMITED', `This ${subject.principal.via === 'token' ? 'token' : 'user'} has ${hub.maxPerCaller} open streams already; close one first`, undefined, { retryAfterSeconds: 5 });
  return { stream, subscriber: sub!, hub };
}

class StreamSubscriber implements Subscriber {
  readonly callerKey: string;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private checking = false;

  constructor(
    private app: App,
    private principal: Principal,
    private filter: StreamFilter,
    private controller: ReadableStreamDefaultController<Uint8Array>,
    private reauthenticate: () => Promise<Principal | null>,
    private onClose: () => void,
    private framer: Framer = frame,
  ) {
    this.callerKey = principal.tokenId ? `token:${principal.tokenId}` : `user:${principal.userId}`;
  }

  begin(replay: HubEvent[] | string, lastId: string, maintenance: { enabled: boolean; message: string } | null) {
    this.push(encoder.encode(`retry: ${RETRY_MS}\n: connected\n\n`));
    if (typeof replay === 'string') this.push(frame(lastId, 'reset', { reason: replay, at: new Date().toISOString() }));
    else for (const e of replay) this.deliver(e);
    if (maintenance) this.chain = this.chain.then(() => this.push(frame(lastId, 'maintenance', { key: 'maintenance.enabled', scopeId: 'global', version: 0, at: new Date().toISOString(), ...maintenance })));
  }

  deliver(event: HubEvent) {
    // one subscriber's events go out in order, each after its value was resolved
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      const data = await eventData(this.app, this.principal, this.filter, event).catch(() => null);
      if (data) this.push(await this.framer(event.id, event.type, data));
    });
  }

  heartbeat() {
    this.push(encoder.encode(': heartbeat\n\n'));
  }

  recheck() {
    if (this.checking || this.closed) return;
    this.checking = true;
    this.reauthenticate()
      .then((p) => {
        if (p) this.principal = p; // roles may have changed: filter with the new ones
        else this.end();
      })
      .catch(() => {}) // storage down: keep the stream, the next heartbeat checks again
      .finally(() => (this.checking = false));
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  /** Server-side end (credentials gone): the client sees the stream finish. */
  private end() {
    if (this.closed) return;
    this.close();
    try {
      this.controller.close();
    } catch {
      // already closed by the client
    }
  }

  private push(bytes: Uint8Array) {
    if (this.closed) return;
    this.controller.enqueue(bytes);
    if ((this.controller.desiredSize ?? 0) < -MAX_BEHIND_BYTES) {
      // a consumer this slow would make us hold every event for it: drop it (it reconnects and resumes or resets)
      this.close();
      this.controller.error(new Error('stream consumer too slow; dropped'));
    }
  }
}
