/**
 * Full page loads, on purpose: after signing in or out, or when the session has ended, every server
 * component (shell, theme, session) must render anew rather than be reused by client-side navigation.
 */
export function reloadAt(path: string) {
  window.location.assign(path);
}

/** To the sign-in page, coming back here afterwards. */
export function signInAgain() {
  reloadAt(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}
