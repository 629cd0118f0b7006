import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createIncident } from './lists';
import { addStaff, signIn, STAFF_PASSWORD } from './staff';

test.describe.configure({ mode: 'serial' });

const SLUG = 'e2e-order-notice';
const TITLE_EN = 'Unauthorised access to our order system';
const TITLE_JA = '受注システムへの不正アクセスについて';
const FAQ_EN = 'Do I need to change my password?';
const ANSWER_EN = 'Yes, please change it before the end of the month.';

async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

/** An admin writes the notice in both languages, watches the preview, saves, publishes. */
async function writeAndPublish(browser: Browser) {
  const secret = addStaff('notice-writer@example.com', 'admin', 'Notice Writer');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  // The editor's island must hydrate and run without an error (a missing context panics).
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await signIn(page, 'notice-writer@example.com', STAFF_PASSWORD, secret);
  await createIncident(page, SLUG, 'Order system');
  await page.getByRole('row', { name: new RegExp(SLUG) }).getByRole('link', { name: 'Notice' }).click();
  await expect(page).toHaveURL(`/staff/incidents/${SLUG}/notice`);
  await hydrated(page);
  await expect(page.locator('.preview-frame')).toContainText('No revision has been saved yet.');

  await page.locator('#notice-title-ja').fill(TITLE_JA);
  await page.locator('#notice-summary-ja').fill('受注システムの一部の情報が流出した可能性があります。');
  await page.locator('#notice-body-ja').fill('2025年2月5日、不正アクセスを検知しました。');
  await page.locator('#notice-title-en').fill(TITLE_EN);
  await page.locator('#notice-summary-en').fill('Some order data may have leaked.');
  await page.locator('#notice-body-en').fill('On 5 February 2025 we found **unauthorised access**.');
  await page.locator('#timeline-date-0').fill('2025-02-05');
  await page.locator('#timeline-ja-0').fill('不正アクセスを検知');
  await page.locator('#timeline-en-0').fill('Unauthorised access discovered');
  await page.locator('#action-ja-0').fill('パスワードを変更してください');
  await page.locator('#action-en-0').fill('Change your password');
  await page.locator('#faq-question-ja-0').fill('パスワードの変更は必要ですか？');
  await page.locator('#faq-answer-ja-0').fill('はい、月末までに変更してください。');
  await page.locator('#faq-question-en-0').fill(FAQ_EN);
  await page.locator('#faq-answer-en-0').fill(ANSWER_EN);

  // The preview follows the typing, rendered as the public will see it, before any save.
  const preview = page.locator('.preview-frame');
  await expect(preview.getByRole('heading', { name: TITLE_EN })).toBeVisible();
  await expect(preview.locator('strong')).toHaveText('unauthorised access');
  await expect(preview).toContainText('Unauthorised access discovered');

  await page.getByRole('button', { name: 'Save (new revision)' }).click();
  await expect(page.getByRole('status')).toHaveText('A new revision was saved.');
  await expect(page.locator('.notice-status')).toContainText('Draft');
  await page.getByRole('button', { name: 'Publish the latest revision' }).click();
  await expect(page.locator('#confirm')).toContainText('Revision 1 will be shown to the public at /incidents/');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status')).toHaveText('The notice was published.');
  await expect(page.locator('.notice-status')).toContainText('Published (revision 1)');
  expect(errors).toEqual([]);
  await context.close();
}

test.beforeAll(async ({ browser }) => {
  await writeAndPublish(browser);
});

test('a visitor reads the notice, switches language, opens the FAQ and goes to the check', async ({
  browser,
}) => {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto('/');
  await hydrated(page);
  const item = page.locator('.notice-list li', { hasText: TITLE_JA });
  await expect(item).toContainText('受注システムの一部の情報が流出した可能性があります。');
  await item.getByRole('link', { name: TITLE_JA }).click();
  await expect(page).toHaveURL(`/incidents/${SLUG}`);
  await expect(page.getByRole('heading', { level: 1, name: TITLE_JA })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(TITLE_JA));

  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: TITLE_EN })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('5 February 2025 Unauthorised access discovered');

  // The FAQ opens without JavaScript's help: <details>.
  const answer = page.getByText(ANSWER_EN);
  await expect(answer).toBeHidden();
  await page.getByText(FAQ_EN).click();
  await expect(answer).toBeVisible();

  await page.getByRole('link', { name: 'Check whether you are affected' }).click();
  await expect(page).toHaveURL('/check');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await context.close();
});

test('the notice page works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`/incidents/${SLUG}`);
  await expect(page.getByRole('heading', { level: 1, name: TITLE_EN })).toBeVisible();
  await page.getByText(FAQ_EN).click();
  await expect(page.getByText(ANSWER_EN)).toBeVisible();
  await context.close();
});

for (const [name, path] of [
  ['home page', '/'],
  ['notice page', `/incidents/${SLUG}`],
  ['check page', '/check'],
]) {
  for (const locale of ['ja-JP', 'en-US']) {
    test(`the ${name} has no serious accessibility violations (${locale})`, async ({ browser }) => {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await page.goto(path);
      await hydrated(page);
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      expect(serious).toEqual([]);
      await context.close();
    });
  }
}

test('the notice editor is laid out for a wide screen and for a phone', async ({ browser }) => {
  const secret = addStaff('notice-layout@example.com', 'admin', 'Layout Admin');
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, 'notice-layout@example.com', STAFF_PASSWORD, secret);
  // Wide: the form and the preview side by side, each wide enough to write in. Phone: one
  // column as wide as the screen allows, nothing wider than the screen.
  for (const [width, height, column] of [
    [1280, 900, 560],
    [390, 844, 340],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`/staff/incidents/${SLUG}/notice`);
    const form = await page.locator('.notice-form').boundingBox();
    expect(form!.width, `form column at ${width} px`).toBeGreaterThanOrEqual(column);
    // Every label sits above its field, never beside it.
    for (const id of ['notice-title-ja', 'notice-body-en', 'timeline-date-0', 'faq-answer-en-0']) {
      const label = await page.locator(`label[for="${id}"]`).boundingBox();
      const field = await page.locator(`#${id}`).boundingBox();
      expect(label!.y + label!.height, `${id} label at ${width} px`).toBeLessThanOrEqual(field!.y + 1);
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal scrolling at ${width} px`).toBeLessThanOrEqual(0);
  }
  await context.close();
});

test('the staff pages an admin works in have no serious accessibility violations', async ({ browser }) => {
  const secret = addStaff('notice-axe@example.com', 'admin', 'Axe Admin');
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await signIn(page, 'notice-axe@example.com', STAFF_PASSWORD, secret);
  for (const path of [
    '/staff',
    `/staff/incidents/${SLUG}/notice`,
    `/staff/incidents/${SLUG}/notice?confirm=unpublish`,
    `/staff/incidents/${SLUG}/edit`,
    '/staff/lookup',
    '/staff/stats',
    '/staff/audit',
  ]) {
    await page.goto(path);
    await expect(page.getByRole('navigation', { name: 'Staff menu' })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious, path).toEqual([]);
  }
  await context.close();
});
