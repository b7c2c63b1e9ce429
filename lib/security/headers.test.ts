import { describe, expect, it } from 'vitest';
import { isPagePath, NON_PAGE_CSP, nonceOf, pageCsp, staticHeaders } from './headers';

/** Issue 8 item 14: the headers every response gets (e2e/security.spec.ts checks them in Chromium over http). */
describe('security headers', () => {
  it('sends HSTS only when the public URL is https', () => {
    const https = new Map(staticHeaders('https://switchboard.example.com'));
    expect(https.get('strict-transport-security')).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    for (const url of ['http://localhost:3000', undefined]) expect(new Map(staticHeaders(url)).has('strict-transport-security'), String(url)).toBe(false);
    for (const url of ['https://x.example', 'http://x.example', undefined]) {
      const h = new Map(staticHeaders(url));
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('referrer-policy')).toBe('same-origin');
    }
  });

  it('lets pages run only scripts carrying their nonce, and non-pages nothing; neither may be framed', () => {
    const csp = pageCsp('abc123');
    expect(nonceOf(csp)).toBe('abc123');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(pageCsp('n', true)).toContain("'unsafe-eval'");
    expect(NON_PAGE_CSP).toContain("default-src 'none'");
    expect(NON_PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(isPagePath('/settings')).toBe(true);
    for (const path of ['/api/v1/me', '/ofrep/v1/evaluate/flags', '/_next/static/x.js', '/favicon.ico']) expect(isPagePath(path), path).toBe(false);
  });
});
