import 'server-only';
import { headers } from 'next/headers';
import { fromTrustedProxy } from '@/lib/security/client-ip';

/** The origin the browser used to reach this page (behind a trusted proxy, as it forwarded it), for examples to copy. */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  const get = (name: string) => h.get(name);
  const proxied = fromTrustedProxy(get);
  return `${(proxied && h.get('x-forwarded-proto')) || 'http'}://${(proxied && h.get('x-forwarded-host')) || h.get('host') || 'localhost:3000'}`;
}
