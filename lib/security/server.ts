import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stampPeer } from './client-ip';
import { isPagePath, NON_PAGE_CSP, staticHeaders } from './headers';

/**
 * server.ts's per-request step, built once: stamps the peer address (lib/security/client-ip.ts) and sets
 * the static security headers; pages get their nonce CSP from proxy.ts, everything else the strict one here.
 */
export function httpSecurity(publicUrl: string | undefined): (req: IncomingMessage, res: ServerResponse) => void {
  const pages = staticHeaders(publicUrl);
  const others = [...pages, ['content-security-policy', NON_PAGE_CSP] as [string, string]];
  return (req, res) => {
    stampPeer(req);
    for (const [name, value] of isPagePath(req.url ?? '/') ? pages : others) res.setHeader(name, value);
  };
}
