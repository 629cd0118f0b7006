import { test, expect } from '@playwright/test';
import { publishList } from './lists';
import { addStaff, signIn, STAFF_PASSWORD } from './staff';

test.use({ locale: 'en-US' });
test.describe.configure({ mode: 'serial' });

const TITLE = 'Billing system breach';
const ADVICE = 'Change the password of your billing account.';
const LIST = [
  'contract_number,phone,categories',
  'PQ-1000-01,03-5555-0001,Phone number',
  'PQ100002,03-5555-0002,',
].join('\n');

test.beforeAll(async ({ browser }) => {
  await publishList(browser, 'e2e-billing', TITLE, LIST, ADVICE);
});

test('a customer checks a contract number with JavaScript: the page solves the proof of work', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Check whether you are affected' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('Registered phone number')).toBeVisible();

  // The browser refuses what the server would, before anything is sent.
  await page.getByLabel('Contract number').fill('PQ1');
  await page.getByLabel('Registered phone number').fill('03-5555-0001');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('#check-contract-error')).toContainText('too short');
  await expect(page.getByLabel('Contract number')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Contract number').fill('pq-1000-01');
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/check'));
  await page.getByRole('button', { name: 'Check' }).click();
  expect((await posted).postData()).toMatch(/pow_number=\d+&pow_salt=[0-9a-f]+/);
  await expect(
    page.getByRole('heading', { level: 2, name: 'Your contract is in the list of affected customers' }),
  ).toBeVisible();
  const answer = page.locator('[data-outcome="affected"]');
  await expect(answer.getByRole('heading', { level: 3, name: TITLE })).toBeVisible();
  await expect(answer.locator('.categories li')).toHaveText(['Phone number']);
  await expect(answer.locator('.advice')).toHaveText(ADVICE);
  await expect(answer.locator('.reference-code')).toHaveText(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
});

test('an answer can be kept: it says what and when, takes the focus, and prints alone on one A4 page', async ({
  page,
}, testInfo) => {
  await page.goto('/check');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Contract number').fill('pq 1000 01');
  await page.getByLabel('Registered phone number').fill('03-5555-0001');
  await page.getByRole('button', { name: 'Check' }).click();
  const answer = page.locator('#check-answer');
  await expect(answer).toBeVisible();
  await expect(answer).toBeFocused();
  await expect(page).toHaveTitle(/^Your contract is in the list of affected customers \| /);
  await expect(answer.locator('.asked')).toHaveText('PQ100001');
  await expect(answer.locator('.answered-at')).toHaveText(/^\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} JST$/);
  await expect(answer.locator('.reference-code')).toHaveText(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

  await page.emulateMedia({ media: 'print' });
  for (const other of ['.site-header', '.site-footer', 'main > h1', 'main > .lead']) {
    await expect(page.locator(other)).toBeHidden();
  }
  await expect(answer).toBeVisible();
  await expect(answer.locator('.asked')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('printed-answer.png'), fullPage: true });
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  const pages = pdf.match(/\/Type\s*\/Page(?!s)/g) ?? [];
  expect(pages).toHaveLength(1);
});

test('a customer checks without JavaScript: the form posts and the answer renders', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/check');
  await page.getByLabel('Contract number').fill('ＰＱ１００００２');
  await page.getByLabel('Registered phone number').fill('03-9999-9999');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('[data-outcome="not-affected"]')).toContainText(
    `No entry matching the details entered was found in the list for "${TITLE}" published on`,
  );
  await page.getByRole('link', { name: 'Check another number' }).click();
  await page.getByLabel('Contract number').fill('PQ100002');
  await page.getByLabel('Registered phone number').fill('03 5555 0002');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('[data-outcome="affected"]')).toContainText(TITLE);
  await context.close();
});

test('a helpdesk user looks a caller up with a ticket reference, and the audit log shows it', async ({
  page,
  browser,
}) => {
  const deskSecret = addStaff('check-desk@example.com', 'helpdesk', 'Desk Person');
  await signIn(page, 'check-desk@example.com', STAFF_PASSWORD, deskSecret);
  await page.getByRole('navigation', { name: 'Staff menu' }).getByRole('link', { name: 'Lookup', exact: true }).click();
  // The page has other forms, for domains and for reference codes.
  const form = page.locator('form', { has: page.locator('#lookup-contract') });
  await form.getByLabel('Ticket reference').fill('INC-E2E-0001');
  await form.getByLabel('Contract number').fill('PQ100001');
  await form.getByLabel('Registered phone number (optional)').fill('03-5555-0001');
  await form.getByRole('button', { name: 'Check' }).click();
  const answer = page.locator('[data-outcome="affected"]');
  await expect(answer).toContainText(TITLE);
  await expect(answer.locator('.factor')).toContainText('The phone number matched.');
  // Today's own lookups are listed on the page, this one included.
  await expect(page.locator('section[aria-labelledby="own-lookups-heading"] tbody tr')).toContainText([
    'INC-E2E-0001',
  ]);

  // The code the caller quotes finds that answer again, typed as read out.
  const code = (await answer.locator('.reference-code').innerText()).trim();
  const search = page.locator('form', { has: page.locator('#lookup-reference') });
  await search.getByLabel('Ticket reference').fill('INC-E2E-0002');
  await search.getByLabel('Reference code').fill(code.replace('-', ' ').toLowerCase());
  await search.getByLabel('Contract number').fill('pq100001');
  await search.getByRole('button', { name: 'Find the answer' }).click();
  await expect(page.locator('#reference-found')).toContainText(code);
  await expect(page.locator('[data-outcome="affected"]')).toContainText(TITLE);

  const adminSecret = addStaff('check-auditor@example.com', 'admin', 'Auditor');
  const other = await browser.newContext({ locale: 'en-US' });
  const admin = await other.newPage();
  await signIn(admin, 'check-auditor@example.com', STAFF_PASSWORD, adminSecret);
  await admin.goto('/staff/audit');
  const row = admin.locator('tr', { hasText: 'INC-E2E-0001' });
  await expect(row).toContainText('Helpdesk lookup');
  await expect(row).toContainText('Desk Person');
  await other.close();
});
