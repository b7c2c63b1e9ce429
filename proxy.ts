import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER } from '@/lib/auth/headers';
import { newNonce, pageCsp } from '@/lib/security/headers';

// Pages anyone may open; everything else needs a session.
const PUBLIC = new Set(['/signin', '/setup']);

/**
 * A cheap first gate in front of the pages (never the API or OFREP): no session cookie at all → /signin, coming
 * back here afterwards. Whether a cookie is still valid, and whether setup is done, needs the database
 * and is checked by the pages themselves (lib/auth/current.ts).
 */
export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  // every page response gets a fresh nonce: Next reads it from the request's CSP and marks its inline scripts
  const csp = pageCsp(newNonce(), process.env.NODE_ENV === 'development');
  const hasSession = req.cookies.getAll().some((c) => c.name.includes('next-auth.session-token'));
  if (!hasSession && !PUBLIC.has(pathname)) {
    const url = new URL('/signin', req.url);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    const res = NextResponse.redirect(url);
    res.headers.set('content-security-policy', csp);
    return res;
  }
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, pathname + search);
  headers.set('content-security-policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  return res;
}

export const config = {
  matcher: ['/((?!api/|ofrep/|_next/|favicon\\.ico|.*\\.(?:png|svg|ico|txt|xml|webmanifest)$).*)'],
};
