import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { CSRF_HEADER } from '@/lib/auth/headers';

/** The platform admin of every run: created by the first-run spec through the form, or by ensureSetUp. */
export const ADMIN = { email: 'ada@example.com', name: 'Ada Admin', password: 'a long enough passphrase' };

/**
 * Specs after the first-run one need a set-up instance. playwright.config.ts runs first-run.spec.ts first
 * (it sets up through the form); when a spec runs on its own, this sets up through the API instead.
 */
export async function ensureSetUp(request: APIRequestContext) {
  const status = await (await request.get('/api/v1/setup/status')).json();
  if (status.setupComplete) return;
  const res = await request.post('/api/v1/setup/bootstrap', { data: { admin: ADMIN, catalog: 'accreditation' } });
  expect(res.status()).toBe(201);
}

/** Signs in through the form and waits for the page it leads to. */
export async function signIn(page: Page, email = ADMIN.email, password = ADMIN.password, landing: string | RegExp = '/') {
  if (!page.url().includes('/signin')) await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(landing);
}

/** Calls the API as the signed-in browser user: its session cookie plus the web app's CSRF header. */
export const asBrowser = { [CSRF_HEADER]: '1' };

/** A full-page screenshot of the current page at desktop (1280) and phone (390) widths. */
export async function screenshots(page: Page, name: string) {
  const original = page.viewportSize();
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/** A scope for a spec to work in, created through the API as the signed-in admin (fine when another spec made it first). */
export async function ensureScope(page: Page, scope: { id: string; level: string; parentId: string; name: string }) {
  const res = await page.request.post('/api/v1/scopes', { data: scope, headers: asBrowser });
  expect([201, 409]).toContain(res.status());
}

