import 'server-only';
import { can, type Principal, type SessionRef } from '@/lib/auth/policy';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { flagConfig } from '../flags/table';
import { principalOfTokenId } from '../identity/principal';
import { principalOfSession } from '../identity/sessions';
import { scopePath } from '../scopes/path';
import { isEventId } from './hub';
import { createStream } from './subscribe';

/**
 * OFREP live updates (open-feature/protocol ADR-0008): the bulk evaluation answer names an SSE endpoint
 * whose plain `message` events say `{ "type": "refetchEvaluation", "etag", "lastModified" }` whenever a
 * flag on the context's scope path changed. A browser's EventSource sends no headers, so the endpoint's
 * URL carries a ticket instead of the API token: encrypted and authenticated with the server's key,
 * valid for TICKET_TTL_MS, good for this stream only (read-only), and revocable: it names the API token
 * (or the browser session) it was issued for, which is checked on connect and whenever credentials
 * change, so revoking the token, signing the session out (or everywhere), or disabling the user ends the
 * stream and refuses the ticket.
 */
export const TICKET_TTL_MS = 60 * 60_000;
const PURPOSE = 'ofrep-events';

interface Ticket {
  p: typeof PURPOSE;
  /** The API token, or for a browser session the session (its id, epoch and sign-in time). */
  t?: string;
  ss?: SessionRef;
  u: string;
  /** The evaluation context's scope. */
  s: string;
  x: number;
}

/** The ticket for an evaluation context the caller may evaluate flags in (the bulk answer's `eventStreams`). */
export async function issueOfrepTicket(app: App, principal: Principal, scopeIds: readonly string[]): Promise<string> {
  if (!can(principal, 'flags.evaluate', { scopePath: scopeIds })) fail('INSUFFICIENT_PERMISSIONS', 'You may not evaluate flags here');
  // a ticket outlives no credential: it names the token or the session it came from (never only the user)
  if (!principal.tokenId && !principal.session) fail('UNAUTHENTICATED', 'Event stream tickets are issued to API tokens and browser sessions');
  const ticket: Ticket = { p: PURPOSE, t: principal.tokenId, ss: principal.tokenId ? undefined : principal.session, u: principal.userId, s: scopeIds[0], x: Date.now() + TICKET_TTL_MS };
  return Buffer.from(app.secrets.encrypt(ticket)).toString('base64url');
}

/** Tickets issued lately, per caller and context: a bulk evaluation costs no encryption while one is fresh. */
const recent = new WeakMap<App, Map<string, { json: string; until: number }>>();

/** The bulk answer's `eventStreams`, serialized: one SSE endpoint for this caller and context. */
export async function ofrepEventStreams(app: App, principal: Principal, scopeIds: readonly string[]): Promise<string> {
  let byCaller = recent.get(app);
  if (!byCaller) recent.set(app, (byCaller = new Map()));
  const key = `${principal.tokenId ?? `session:${principal.session?.id}`}\u0000${scopeIds[0]}`;
  const hit = byCaller.get(key);
  if (hit && hit.until > Date.now()) return hit.json;
  const ticket = await issueOfrepTicket(app, principal, scopeIds);
  const json = JSON.stringify([{ type: 'sse', endpoint: { requestUri: `/ofrep/v1/events?ticket=${ticket}` } }]);
  if (byCaller.size > 10_000) byCaller.clear();
  // reused for a tenth of its life, so a handed-out URL always has most of its life left
  byCaller.set(key, { json, until: Date.now() + TICKET_TTL_MS / 10 });
  return json;
}

function readTicket(app: App, raw: string): Ticket {
  let ticket: Ticket | undefined;
  try {
    ticket = app.secrets.decrypt(Buffer.from(raw, 'base64url').toString()) as Ticket;
  } catch {
    // tampered with, or from another server's key
  }
  if (!ticket || ticket.p !== PURPOSE || (!ticket.t && !ticket.ss)) fail('UNAUTHENTICATED', 'Invalid event stream ticket; fetch the bulk evaluation again for a new URL');
  if (ticket.x < Date.now()) fail('UNAUTHENTICATED', 'Expired event stream ticket; fetch the bulk evaluation again for a new URL');
  return ticket;
}

const ticketPrincipal = (app: App, t: Ticket) => (t.t ? principalOfTokenId(app, t.t) : principalOfSession(app, t.u, t.ss!));

/** `GET /ofrep/v1/events?ticket=…`: the `message` stream of `refetchEvaluation` events for the ticket's context. */
export async function openOfrepStream(app: App, raw: string, lastEventId: string | null): Promise<ReadableStream<Uint8Array>> {
  const ticket = readTicket(app, raw);
  const principal = await ticketPrincipal(app, ticket);
  if (!principal) fail('UNAUTHENTICATED', 'The credentials this event stream was issued for were revoked');
  const path = await scopePath(app, ticket.s);
  const { stream, subscriber, hub } = createStream(app, { principal, filter: { path, flagsOnly: true }, reauthenticate: () => ticketPrincipal(app, ticket), framer: ofrepFrame(app) });
  // the provider re-fetches after every (re)connect anyway (ADR-0008): a gap needs no event of its own
  subscriber.begin(lastEventId && isEventId(lastEventId) ? hub.since(lastEventId) : [], hub.lastId, null);
  return stream;
}

const encoder = new TextEncoder();

/** Every event this stream lets through (a flag change on the path, a reset) is one `refetchEvaluation` message. */
function ofrepFrame(app: App) {
  return async (id: string): Promise<Uint8Array> => {
    const { etag, lastModified } = await flagConfig(app);
    return encoder.encode(`id: ${id}\nevent: message\ndata: ${JSON.stringify({ type: 'refetchEvaluation', etag, lastModified })}\n\n`);
  };
}
