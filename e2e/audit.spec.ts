import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { asBrowser, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => ensureSetUp(request));

const KEY = 'catering.bufferPercentage';

test('a change made through the API shows in the audit log, filtered by key, with its details', async ({ page }) => {
  await signIn(page);
  const reason = `e2e: audit log ${Date.now()}`;
  const put = await page.request.put(`/api/v1/settings/${KEY}`, { data: { value: 13, scope: 'global', reason }, headers: asBrowser });
  expect(put.status()).toBe(200);

  await page.goto('/audit');
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel('Key').fill(KEY);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(`/audit?key=${KEY}`);

  // the filter is in the URL: a reload keeps it
  await page.reload();
  await expect(filters.getByLabel('Key')).toHaveValue(KEY);
  const table = page.getByRole('table', { name: 'Audit entries, newest first' });
  const row = table.getByRole('row').filter({ hasText: reason });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('setting.set');
  await expect(row).toContainText('Ada Admin');
  await expect(row).toContainText('13');
  // every row is about that key
  await expect(table.getByRole('row').filter({ hasNotText: KEY })).toHaveCount(1); // the header row
  await screenshots(page, 'audit');

  await row.getByRole('button', { name: /details of entry/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: /^Audit entry \d+$/ })).toBeVisible();
  await expect(dialog).toContainText(reason);
  await expect(dialog.getByRole('heading', { name: 'New value' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/audit-entry-1280.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // a filter that matches nothing says so
  await page.goto(`/audit?key=${KEY}&source=migration`);
  await expect(page.getByText('No entries match these filters')).toBeVisible();
});

test('Verify chain shows the chain is intact', async ({ page }) => {
  await signIn(page);
  await page.goto('/audit');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Chain valid' })).toContainText(/Chain valid · [\d,]+ entries checked/);
});

test('CSV export downloads the filtered entries with the session cookie', async ({ page }) => {
  await signIn(page);
  await page.goto(`/audit?key=${KEY}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const [header, ...lines] = csv.trim().split('\r\n');
  expect(header).toBe('id,at,actorId,actorName,actorRole,action,key,scopeId,level,oldValue,newValue,reason,source,ip,version,details');
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.includes(`,${KEY},`))).toBe(true);
  expect(csv).toContain('e2e: audit log');
});

test('at phone width the entries are a list', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await page.goto(`/audit?key=${KEY}`);
  await expect(page.getByRole('table')).toBeHidden();
  const list = page.getByRole('list', { name: 'Audit entries, newest first' });
  await expect(list.getByRole('listitem').first()).toContainText(KEY);
  // the filters fold away until asked for
  await expect(page.getByLabel('Key')).toBeHidden();
  await page.getByRole('button', { name: 'Show filters' }).click();
  await expect(page.getByLabel('Key')).toHaveValue(KEY);
});
