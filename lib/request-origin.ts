import 'server-only';
import { headers } from 'next/headers';

/** The origin the browser used to reach this page (behind a proxy, as it forwarded it), for examples to copy. */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  return `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000'}`;
}
