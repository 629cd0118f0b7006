import { test, expect } from '@playwright/test';
import { createIncident } from './lists';
import { addStaff, signIn, STAFF_PASSWORD } from './staff';

test.use({ locale: 'en-US' });

// Long enough (argon2, two digests a row) that the progress page sees the job running.
const MORE = Array.from({ length: 60 }, (_, i) => `GH${String(i).padStart(6, '0')},03-2222-${String(i).padStart(4, '0')},`);
const LIST = [
  'contract_number,phone,categories',
  'AB-1234-56,03-1234-5678,Phone number',
  'ＣＤ９８７６５４,+81 6 1234 5678,',
  'X1,03-1111-2222,',
  'EF345678,06-9999-0000,',
  ...MORE,
].join('\n');

test('an admin uploads a list and reads its report; a second admin approves and publishes it', async ({
  page,
  browser,
}) => {
  const uploaderSecret = addStaff('lists-uploader@example.com', 'admin', 'List Uploader');
  const approverSecret = addStaff('lists-approver@example.com', 'admin', 'List Approver');
  await signIn(page, 'lists-uploader@example.com', STAFF_PASSWORD, uploaderSecret);

  await page.getByRole('navigation', { name: 'Staff menu' }).getByRole('link', { name: 'Incidents and notices' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Incidents');
  await createIncident(page, 'e2e-order-system', 'Unauthorised access to the order system');

  await page.goto('/staff/datasets');
  await page.getByRole('link', { name: 'Upload a list' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Upload an affected-customer list',
  );
  await page
    .getByLabel('Incident')
    .selectOption({ label: 'Unauthorised access to the order system (e2e-order-system)' });
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'affected.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(LIST, 'utf8'),
  });
  await page.getByRole('button', { name: 'Upload and import' }).click();

  await expect(page).toHaveURL(/\/staff\/imports\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import progress');
  // While the job runs (argon2 here) the page reloads itself, with or without JavaScript;
  // once it has ended it stops.
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveAttribute('content', '2');
  await expect(page.locator('.progress-percent')).toHaveText('100%', { timeout: 30_000 });
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('The import is complete.');
  await page.getByRole('link', { name: 'Read the import report' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Import report' })).toBeVisible();
  await expect(page.locator('[data-figure="rows-read"]')).toHaveText('64');
  await expect(page.locator('[data-figure="accepted"]')).toHaveText('63');
  await expect(page.locator('[data-figure="rejected"]')).toHaveText('1');
  const rejected = page.locator('.rejected-rows tbody tr');
  await expect(rejected).toHaveCount(1);
  await expect(rejected.locator('td').first()).toHaveText('4');
  await expect(rejected).toContainText('The contract number is too short');
  await expect(page.getByText('An admin other than the uploader approves it.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  const datasetUrl = page.url();

  const other = await browser.newContext({ locale: 'en-US' });
  const approver = await other.newPage();
  await signIn(approver, 'lists-approver@example.com', STAFF_PASSWORD, approverSecret);
  await approver.goto(datasetUrl);
  await expect(approver.locator('dd[data-status]')).toHaveText('Draft (awaiting approval)');
  // The list lost a row: approving it is a decision the approver states.
  await expect(approver.locator('[data-figure="rejected-percent"]')).toHaveText('1.6');
  await expect(approver.locator('.top-reasons li')).toHaveCount(1);
  await approver
    .getByLabel('I have read the 1 rejected rows: the customers on them will not be found with this list.')
    .check();
  await approver.getByRole('button', { name: 'Approve' }).click();
  // Risky steps ask once more, saying what will change.
  await expect(approver.locator('#confirm')).toContainText('Nothing changes for the public until it is published.');
  await approver.getByRole('button', { name: 'Confirm' }).click();
  await expect(approver.getByRole('status')).toHaveText("The list's status was changed.");
  await expect(approver.locator('dd[data-status]')).toHaveText('Approved (awaiting publication)');
  await approver.getByRole('button', { name: 'Publish' }).click();
  await expect(approver.locator('#confirm')).toContainText(
    'Contract numbers that will start to be answered “affected” for this incident:'
  );
  await approver.getByRole('button', { name: 'Confirm' }).click();
  await expect(approver.locator('dd[data-status]')).toHaveText('Active');
  await expect(approver.getByRole('button', { name: 'Stop publishing' })).toBeVisible();
  await other.close();
});
