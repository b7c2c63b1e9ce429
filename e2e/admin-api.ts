import { expect, type APIRequestContext, type Browser, type PlaywrightWorkerArgs } from '@playwright/test';
import { asBrowser, signIn } from './support';

/**
 * The API as the platform admin, through a token issued after signing in once: for a spec's beforeAll to
 * create scopes, users and values. Dispose of it in afterAll.
 */
export async function adminApi(browser: Browser, playwright: PlaywrightWorkerArgs['playwright'], baseURL: string | undefined): Promise<APIRequestContext> {
  const page = await browser.newPage();
  await signIn(page);
  const res = await page.request.post('/api/v1/tokens', { data: { name: 'e2e settings pages' }, headers: asBrowser });
  expect(res.status()).toBe(201);
  const { token } = await res.json();
  await page.context().close();
  return playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

/** Creates a scope, or finds it there from an earlier run of the spec against the same instance. */
export async function createScope(api: APIRequestContext, scope: { id: string; level: string; parentId: string; name: string }) {
  const res = await api.post('/api/v1/scopes', { data: scope });
  expect([201, 409], await res.text()).toContain(res.status());
}
