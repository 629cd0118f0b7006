// Helpers that publish an affected-customer list through the staff pages, as two admins.
import { expect, type Browser, type Page } from '@playwright/test';
import { addStaff, signIn, STAFF_PASSWORD } from './staff';

/** Registers an incident on /staff/incidents (the page must be signed in as an admin). */
export async function createIncident(page: Page, slug: string, titleEn: string, advice = '') {
  await page.goto('/staff/incidents');
  await page.getByLabel('Short name (used in URLs)').fill(slug);
  await page.getByLabel('Title (Japanese)').fill(`${titleEn}(日本語)`);
  await page.getByLabel('Title (English)').fill(titleEn);
  await page.getByLabel('Occurred from').fill('2026-11-01');
  await page.getByLabel('Contract name').check();
  await page.getByLabel('Phone number').check();
  if (advice) await page.getByLabel('What affected customers should do (English)').fill(advice);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('status')).toHaveText('The incident was registered.');
}

/** Uploads `csv` for the incident and waits for its import; returns the dataset's URL. */
export async function uploadList(page: Page, slug: string, titleEn: string, csv: string) {
  await page.goto('/staff/datasets/new');
  await page.getByLabel('Incident').selectOption({ label: `${titleEn} (${slug})` });
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'affected.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await expect(page).toHaveURL(/\/staff\/imports\/\d+$/);
  await expect(page.getByRole('status')).toContainText('The import is complete.', {
    timeout: 30_000,
  });
  await page.getByRole('link', { name: 'Read the import report' }).click();
  await expect(page.locator('dd[data-status]')).toBeVisible();
  return page.url();
}

/** A new incident with `csv` as its active list: one admin uploads, another publishes. */
export async function publishList(browser: Browser, slug: string, titleEn: string, csv: string, advice = '') {
  const uploaderSecret = addStaff(`${slug}-uploader@example.com`, 'admin', 'Uploader');
  const approverSecret = addStaff(`${slug}-approver@example.com`, 'admin', 'Approver');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await signIn(page, `${slug}-uploader@example.com`, STAFF_PASSWORD, uploaderSecret);
  await createIncident(page, slug, titleEn, advice);
  const datasetUrl = await uploadList(page, slug, titleEn, csv);
  await context.close();

  const other = await browser.newContext({ locale: 'en-US' });
  const approver = await other.newPage();
  await signIn(approver, `${slug}-approver@example.com`, STAFF_PASSWORD, approverSecret);
  await approver.goto(datasetUrl);
  // A list with rejected rows asks the approver to say they read them.
  const acknowledge = approver.locator('#acknowledge-rejected');
  if (await acknowledge.count()) await acknowledge.check();
  // Each step asks once more, on a page of its own (a second post).
  await approver.getByRole('button', { name: 'Approve' }).click();
  await approver.getByRole('button', { name: 'Confirm' }).click();
  await approver.getByRole('button', { name: 'Publish' }).click();
  await approver.getByRole('button', { name: 'Confirm' }).click();
  await expect(approver.locator('dd[data-status]')).toHaveText('Active');
  await other.close();
}
