// Header names shared by the server, proxy.ts and the browser: no imports here.

/**
 * The header the web app sends with every write it makes on the strength of its session cookie; the API
 * refuses cookie-authenticated writes without it. A cross-site page cannot add custom headers to its
 * requests (not without a CORS preflight, which is never granted), so forged form posts and fetches
 * arrive without it.
 */
export const CSRF_HEADER = 'x-switchboard-csrf';

/** Set by proxy.ts on page requests: the path asked for, so a server component can send people back to it. */
export const PATH_HEADER = 'x-switchboard-path';
