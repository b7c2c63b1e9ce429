import { expect, test, type Page, type Response } from '@playwright/test';
import { ensureSetUp, signIn } from './support';

/**
 * The Content-Security-Policy is one the app actually passes: every page loads and hydrates in Chromium
 * with no `securitypolicyviolation` and no console error, while an injected inline script is refused.
 * The other security headers are on pages and API responses alike (lib/security/headers.ts).
 */
const PAGES = ['/', '/settings', '/preferences', '/flags', '/audit', '/import-export', '/compare', '/versions', '/users', '/tokens', '/docs'];

declare global {
  interface Window {
    __violations: string[];
  }
}

function watch(page: Page) {
  const problems: string[] = [];
  // Chromium logs every CSP refusal as a console error ("Refused to …", "Content Security Policy"); other
  // console errors (a missing favicon's 404) are not this spec's business
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

async function violations(page: Page) {
  return page.evaluate(() => window.__violations);
}

function expectPageHeaders(res: Response | null) {
  const h = res!.headers();
  const csp = h['content-security-policy'];
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['referrer-policy']).toBe('same-origin');
  expect(h['x-frame-options']).toBe('DENY');
  // NEXTAUTH_URL is not https here: no HSTS
  expect(h['strict-transport-security']).toBeUndefined();
  return csp;
}

test.beforeEach(async ({ page, request }) => {
  await ensureSetUp(request);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
});

test('every page renders and hydrates under the CSP, with a fresh nonce each time', async ({ page }) => {
  test.setTimeout(300_000); // eleven pages, on a machine shared with other builds
  const problems = watch(page);
  const signinRes = await page.goto('/signin');
  const first = expectPageHeaders(signinRes);
  await signIn(page);
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(200);
    const csp = expectPageHeaders(res);
    expect(csp, 'a nonce is used once').not.toBe(first);
    await page.waitForLoadState('load');
    await expect(page.getByRole('main')).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
  // interactive code ran: the command palette opens from the keyboard
  await page.goto('/settings');
  await page.waitForLoadState('load');
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(await violations(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the CSP is enforced: injected markup cannot run script', async ({ page }) => {
  await page.goto('/signin');
  // the classic XSS vector: markup with an inline event handler, which no nonce covers
  await page.evaluate(() => {
    const div = document.createElement('div');
    div.innerHTML = '<img src="data:," onerror="window.__injected = true" alt="">';
    document.body.append(div);
  });
  await expect.poll(() => violations(page)).toEqual([expect.stringMatching(/^script-src/)]);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
});

test('API responses carry the security headers and a CSP that allows nothing', async ({ request }) => {
  for (const path of ['/api/health', '/api/v1/openapi.json', '/api/v1/settings']) {
    const h = (await request.get(path)).headers();
    expect(h['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('same-origin');
  }
});
