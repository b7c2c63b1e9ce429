// Used by proxy.ts and server.ts: no server-only imports (the proxy bundle is not a React server one).

/**
 * Security headers. server.ts sets the static ones on every response (computed once at start: the API hot
 * path pays a handful of setHeader calls); proxy.ts adds each page's Content-Security-Policy with a fresh
 * nonce, which Next puts on its own inline scripts (and the root layout on the theme script).
 */

/** The CSP of pages: scripts only from here and with this response's nonce ('strict-dynamic' lets them load chunks). */
export function pageCsp(nonce: string, dev = false): string {
  return [
    `default-src 'self'`,
    // next dev evaluates modules with eval(); production never does
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    // style attributes (Radix positions popovers with them) cannot carry nonces; styles cannot run code
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' blob: data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/** The nonce in a CSP header value (what proxy.ts put on the request). */
export const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

export const newNonce = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));

/** Everything that is not a page (JSON, files, next-auth's endpoints) renders nothing and may embed nothing. */
export const NON_PAGE_CSP = `default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/**
 * Paths proxy.ts handles (it gives pages their nonce CSP): the complement of its matcher, which Next
 * requires to be a literal there. Keep the two in step.
 */
export const isPagePath = (url: string) => !/^\/(?:api\/|ofrep\/|_next\/|favicon\.ico)|\.(?:png|svg|ico|txt|xml|webmanifest)(?:$|\?)/.test(url);

export type HeaderList = [string, string][];

/** The headers every response gets. HSTS only when the public URL is https (a browser would otherwise pin a scheme we do not serve). */
export function staticHeaders(publicUrl: string | undefined): HeaderList {
  const headers: HeaderList = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'same-origin'],
    ['x-frame-options', 'DENY'],
  ];
  if (publicUrl?.startsWith('https://')) headers.push(['strict-transport-security', 'max-age=63072000; includeSubDomains']);
  return headers;
}
