import { expect as baseExpect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { adminApi, createScope } from './admin-api';
import { ensureSetUp, signIn } from './support';

test.describe.configure({ mode: 'serial' });
// writes go through the audit chain's lock: on a busy CI machine a save can take seconds
const expect = baseExpect.configure({ timeout: 20_000 });
test.setTimeout(180_000);

const A = { id: 'lifecycle-a', level: 'tenant', parentId: 'global', name: 'Lifecycle A' };
const B = { id: 'lifecycle-b', level: 'tenant', parentId: 'global', name: 'Lifecycle B' };
const KEY = 'waitlist.maxPositionNotifications'; // integer 0..100, default 5, allowed at global and tenant

let api: APIRequestContext;
const resolve = async (scope: string) => (await (await api.get(`/api/v1/settings/${KEY}/resolve?scope=${scope}`)).json()).value;
const put = async (scope: string, value: number) => {
  const res = await api.put(`/api/v1/settings/${KEY}`, { data: { value, scope, reason: 'e2e lifecycle' } });
  expect(res.status(), await res.text()).toBe(200);
};

/** The new pages at desktop and phone widths, into /tmp/shots (the brief's place for them). */
async function shots(page: Page, name: string) {
  mkdirSync('/tmp/shots', { recursive: true });
  const original = page.viewportSize();
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `/tmp/shots/${name}-${width}.png`, fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

const file = (doc: unknown, name = 'edited.json') => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });

test.beforeAll(async ({ browser, playwright, baseURL, request }) => {
  await ensureSetUp(request);
  api = await adminApi(browser, playwright, baseURL);
  await createScope(api, A);
  await createScope(api, B);
  await put(A.id, 7);
  // B starts without its own value (a rerun against the same instance finds it from the last run)
  const res = await api.delete(`/api/v1/settings/${KEY}?scope=${B.id}&reason=e2e%20reset`);
  expect(res.status(), await res.text()).toBeLessThan(500);
  expect(await resolve(B.id)).toBe(5);
});

test.afterAll(async () => {
  await api?.dispose();
});

test('export a scope, import an edited file: invalid rows explained, a stale preview refused, the diff confirmed with a reason', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Import / export' }).first().click();
  await expect(page.getByRole('heading', { name: 'Import / export', level: 1 })).toBeVisible();

  const exportCard = page.getByRole('region', { name: 'Export', exact: true });
  await exportCard.getByLabel('Scope', { exact: true }).selectOption(A.id);
  await exportCard.getByLabel('Category').selectOption('waitlist');
  const [download] = await Promise.all([page.waitForEvent('download'), exportCard.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^switchboard-lifecycle-a-waitlist-.*\.json$/);
  const doc = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(doc).toMatchObject({ version: '1.0', scope: A.id, category: 'waitlist' });
  const item = doc.settings.find((s: { key: string }) => s.key === KEY);
  expect(item).toMatchObject({ scope: A.id, value: 7 });

  const importCard = page.getByRole('region', { name: 'Import', exact: true });
  // a file that is not JSON: the server's reason beside the field
  await importCard.getByLabel('Configuration file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not json at all') });
  await importCard.getByRole('button', { name: 'Preview changes' }).click();
  await expect(importCard.getByText(/not JSON|not valid JSON|JSON/i).first()).toBeVisible();

  // a value out of range: an invalid row that says why, and nothing can be confirmed
  await importCard.getByLabel('Configuration file').setInputFiles(file({ ...doc, settings: [{ ...item, value: 1000 }] }, 'bad.json'));
  await expect(importCard.getByLabel(`${A.id} →`)).toHaveValue(A.id);
  await importCard.getByRole('button', { name: 'Preview changes' }).click();
  const diff = page.getByRole('region', { name: /What importing bad.json would change/ });
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText('invalid');
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText(/100/);
  await expect(diff.getByRole('button', { name: /^Import 0 changes/ })).toBeDisabled();

  // the edited file: 7 → 12
  await importCard.getByLabel('Configuration file').setInputFiles(file({ ...doc, settings: [{ ...item, value: 12 }] }));
  await importCard.getByRole('button', { name: 'Preview changes' }).click();
  const good = page.getByRole('region', { name: /What importing edited.json would change/ });
  await good.getByRole('button', { name: 'update (1)' }).click();
  await expect(good.getByRole('row', { name: new RegExp(KEY) })).toContainText('7 → 12');
  await shots(page, 'import-export');

  // someone changes the value after the preview: the confirm is refused, the page asks for a new preview
  await put(A.id, 9);
  await good.getByRole('button', { name: 'Import 1 change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import 1 change?' });
  await dialog.getByRole('button', { name: 'Confirm import' }).click();
  await expect(dialog.getByText('Say why: the reason is recorded with every change.')).toBeVisible();
  await dialog.getByLabel('Reason').fill('e2e import of the edited file');
  await dialog.getByRole('button', { name: 'Confirm import' }).click();
  await expect(dialog.getByText('The configuration changed since the preview')).toBeVisible();
  await dialog.getByRole('button', { name: 'Preview again' }).click();
  await expect(good.getByRole('row', { name: new RegExp(KEY) })).toContainText('9 → 12');
  await good.getByRole('button', { name: 'Import 1 change…' }).click();
  await dialog.getByLabel('Reason').fill('e2e import of the edited file');
  await dialog.getByRole('button', { name: 'Confirm import' }).click();
  await expect(importCard.getByText('1 change applied (0 created, 1 updated, 0 removed).')).toBeVisible();
  expect(await resolve(A.id)).toBe(12);
});

test('compare two tenants and promote a value from one to the other', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Compare' }).first().click();
  await expect(page.getByRole('heading', { name: 'Compare and promote', level: 1 })).toBeVisible();
  await page.getByLabel('From (left)').selectOption(A.id);
  await page.getByLabel('To (right)').selectOption(B.id);
  await page.getByLabel('Category').selectOption('waitlist');
  const row = page.getByRole('row', { name: new RegExp(KEY) });
  await expect(row).toContainText('only left');
  await expect(row).toContainText('12');
  await expect(row).toContainText(`from ${A.id}`);
  await expect(row).toHaveAttribute('data-status', 'onlyLeft');
  await row.getByRole('checkbox', { name: `Promote ${KEY}` }).check();
  await page.getByRole('button', { name: `Promote 1 to ${B.id}…` }).click();
  const diff = page.getByRole('region', { name: /Promoting 1 item from lifecycle-a to lifecycle-b/ });
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText('create');
  await shots(page, 'compare');
  await diff.getByRole('button', { name: 'Promote 1 change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote 1 change?' });
  await dialog.getByLabel('Reason').fill('e2e promote to B');
  await dialog.getByRole('button', { name: 'Confirm promote' }).click();
  await expect(dialog).toBeHidden();
  // the comparison refreshes: the two tenants now agree on every waitlist key
  await expect(page.getByText('No differences')).toBeVisible();
  expect(await resolve(B.id)).toBe(12);
});

test('a change set appears in Versions and is reverted; a later change refuses a revert until forced', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Versions' }).first().click();
  await expect(page.getByRole('heading', { name: 'Versions', level: 1 })).toBeVisible();
  const list = page.getByRole('region', { name: 'All change sets' });
  const detail = page.getByRole('region', { name: /^Change set / });
  // newest first: the promote is at the top
  await expect(list.getByRole('link').first()).toContainText('e2e promote to B');
  await list.getByRole('link', { name: /e2e promote to B/ }).first().click();
  await expect(detail).toContainText('e2e promote to B');
  await expect(detail.getByRole('row', { name: new RegExp(KEY) })).toContainText(`at ${B.id}`);
  await detail.getByRole('button', { name: 'Revert…' }).click();
  let diff = page.getByRole('region', { name: /^Reverting change set/ });
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText('delete');
  await shots(page, 'versions');
  await diff.getByRole('button', { name: 'Revert 1 change…' }).click();
  let dialog = page.getByRole('dialog', { name: 'Revert 1 change?' });
  await dialog.getByLabel('Reason').fill('e2e undo the promote');
  await dialog.getByRole('button', { name: 'Confirm revert' }).click();
  await expect(dialog).toBeHidden();
  // the revert is a change set of its own, now at the top and open
  await expect(list.getByRole('link').first()).toContainText('e2e undo the promote');
  await expect(page).toHaveURL(/\/versions\?id=/);
  expect(await resolve(B.id)).toBe(5);

  // the import set A to 12; a later save set 15: reverting the import is refused until forced
  await put(A.id, 15);
  await page.reload();
  await list.getByRole('link', { name: /e2e import of the edited file/ }).first().click();
  // the page shows the import's change set (not the one open before the click)
  await expect(detail).toContainText('e2e import of the edited file');
  await detail.getByRole('button', { name: 'Revert…' }).click();
  diff = page.getByRole('region', { name: /^Reverting change set/ });
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText('Changed again later');
  await expect(diff.getByRole('button', { name: /^Revert 0 changes/ })).toBeDisabled();
  await diff.getByLabel('Revert them anyway (force), overwriting the later changes').check();
  await expect(diff.getByRole('row', { name: new RegExp(KEY) })).toContainText('15 → 9');
  await shots(page, 'versions-force');
  await diff.getByRole('button', { name: 'Revert 1 change…' }).click();
  dialog = page.getByRole('dialog', { name: 'Revert 1 change?' });
  await dialog.getByLabel('Reason').fill('e2e forced revert of the import');
  await dialog.getByRole('button', { name: 'Confirm revert' }).click();
  await expect(dialog).toBeHidden();
  expect(await resolve(A.id)).toBe(9);
});

test('the pages are for admins: a member sees no link and gets a 404', async ({ page }) => {
  const member = { email: 'lifecycle-member@example.com', name: 'Lee Member', password: 'a member passphrase, long' };
  const res = await api.post('/api/v1/users', { data: { ...member, roles: [{ role: 'member', scopeId: A.id }] } });
  expect([201, 409]).toContain(res.status());
  await signIn(page, member.email, member.password);
  await expect(page.getByRole('link', { name: 'Settings' }).first()).toBeVisible();
  for (const name of ['Import / export', 'Compare', 'Versions']) await expect(page.getByRole('link', { name })).toHaveCount(0);
  for (const path of ['/import-export', '/compare', '/versions']) expect((await page.goto(path))?.status()).toBe(404);
});
