import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER } from '@/lib/auth/headers';

// Pages anyone may open; everything else needs a session.
const PUBLIC = new Set(['/signin', '/setup']);

/**
 * A cheap first gate in front of the pages (never the API or OFREP): no session cookie at all → /signin, coming
 * back here afterwards. Whether a cookie is still valid, and whether setup is done, needs the database
 * and is checked by the pages themselves (lib/auth/current.ts).
 */
export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const hasSession = req.cookies.getAll().some((c) => c.name.includes('next-auth.session-token'));
  if (!hasSession && !PUBLIC.has(pathname)) {
    const url = new URL('/signin', req.url);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(url);
  }
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, pathname + search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|ofrep/|_next/|favicon\\.ico|.*\\.(?:png|svg|ico|txt|xml|webmanifest)$).*)'],
};
