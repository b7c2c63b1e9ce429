import 'server-only';
import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { readEnv } from '@/lib/env';

/**
 * The client's IP address, for the audit log and sign-in records. The TCP peer is the client unless it is a
 * proxy listed in TRUSTED_PROXIES; only then are X-Forwarded-For (walked from the right, skipping our own
 * proxies) and X-Real-IP believed. Anyone else's forwarding headers are ignored: a client cannot write
 * an address of its choosing into the audit log.
 *
 * The peer address reaches the router and next-auth (which only see a Fetch Request or headers) through a
 * request header that server.ts stamps on every request, overwriting whatever a client sent: it carries a
 * per-process secret, so a header sent from outside (e.g. under `next dev`, where server.ts is not in
 * front) is never mistaken for it.
 */
export const PEER_HEADER = 'x-switchboard-peer';

const holder = globalThis as unknown as { __switchboardPeerToken?: string };
const token = (holder.__switchboardPeerToken ??= randomBytes(12).toString('base64url'));

/** Called by the HTTP server for every request, before anything reads its headers. */
export function stampPeer(req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string } }) {
  req.headers[PEER_HEADER] = `${token} ${req.socket.remoteAddress ?? ''}`;
}

const unmap = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

let cached: { raw: string; list: BlockList | null } | null = null;

/** TRUSTED_PROXIES as a lookup, null when it lists none (re-read when the variable changes, which only tests do). */
function trusted(): BlockList | null {
  const raw = process.env.TRUSTED_PROXIES ?? '';
  if (cached?.raw === raw) return cached.list;
  const entries = readEnv().trustedProxies;
  cached = { raw, list: entries.length ? lookupOf(entries) : null };
  return cached.list;
}

function lookupOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(unmap(address), type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

// BlockList.check builds a SocketAddress per call (~7 % of an OFREP bulk request's CPU): skipped when no proxy is trusted
const isTrusted = (ip: string) => {
  const list = trusted();
  return list !== null && list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
};

/** The peer address server.ts stamped, or null (not stamped by this process). */
export function peerAddress(get: (name: string) => string | null | undefined): string | null {
  const stamp = get(PEER_HEADER);
  if (!stamp) return null;
  const space = stamp.indexOf(' ');
  if (space < 0 || stamp.slice(0, space) !== token) return null;
  const ip = unmap(stamp.slice(space + 1));
  return isIP(ip) ? ip : null;
}

/** Is this request from a proxy we trust (so its X-Forwarded-* headers count)? */
export const fromTrustedProxy = (get: (name: string) => string | null | undefined) => {
  const peer = peerAddress(get);
  return peer !== null && isTrusted(peer);
};

export function clientIpOf(get: (name: string) => string | null | undefined): string | null {
  const peer = peerAddress(get);
  if (!peer || !isTrusted(peer)) return peer;
  const hops = (get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => unmap(h.trim()))
    .filter((h) => isIP(h));
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i])) return hops[i];
  if (hops.length) return hops[0];
  const real = unmap((get('x-real-ip') ?? '').trim());
  return isIP(real) ? real : peer;
}

/** For a request as the router reads it (either adapter). */
export const clientIp = (req: { headers: { get(name: string): string | null } }) => clientIpOf((name) => req.headers.get(name));
