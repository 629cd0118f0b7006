import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { publishList } from './lists';

test.use({ locale: 'en-US' });
test.describe.configure({ mode: 'serial' });

const TITLE = 'Mail server breach';
const DOMAIN = 'example-e2e.co.jp';
const LIST = ['domain,categories', `${DOMAIN},Phone number`].join('\n');

test.beforeAll(async ({ browser }) => {
  await publishList(browser, 'e2e-mail', TITLE, LIST);
});

/** The `.eml` files of the outbox `make run` writes to (data/outbox), newest last. */
function outbox(): string[] {
  const dir = path.join(process.env.E2E_DATA_DIR ?? '', 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => path.join(dir, name))
    .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
}

/** The link in a mail's plain-text part (base64 in the file). */
function linkIn(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const boundary = /boundary="([^"]+)"/.exec(text)?.[1];
  if (!boundary) throw new Error(`not multipart: ${text}`);
  const plain = text
    .split(`--${boundary}`)
    .find((part) => part.includes('Content-Type: text/plain'));
  if (!plain) throw new Error('no plain-text part');
  const [head, ...body] = plain.split(/\r?\n\r?\n/);
  const raw = body.join('\n');
  const decoded = head.includes('base64')
    ? Buffer.from(raw.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8')
    : raw;
  const link = /https?:\/\/\S+\/check\/domain\/confirm\/[0-9a-f]{32}/.exec(decoded)?.[0];
  if (!link) throw new Error(`no link in: ${decoded}`);
  return link;
}

test('a visitor proves control of a domain through the mail in the outbox and sees the answer', async ({
  page,
}) => {
  await page.goto('/check');
  await page.getByRole('link', { name: "Check with your company's domain" }).click();
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Domain').fill(`https://www.${DOMAIN}/contact`);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).toHaveURL(/\/check\/domain\/c\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Prove that you manage the domain');
  await expect(page.locator('#record-name')).toHaveText(`_breachcheck-challenge.${DOMAIN}`);
  await expect(page.locator('#record-value')).toHaveText(/^breachcheck-verification=[0-9a-f]{32}$/);
  // Nothing about the answer yet.
  await expect(page.locator('[data-outcome]')).toHaveCount(0);

  const before = outbox().length;
  await page.getByLabel(`security@${DOMAIN}`).check();
  await page.getByRole('button', { name: 'Send the confirmation mail' }).click();
  await expect(page.getByRole('status')).toContainText(`A confirmation mail was sent to security@${DOMAIN}`);
  await expect.poll(() => outbox().length).toBe(before + 1);
  const link = linkIn(outbox()[outbox().length - 1]);

  // A corporate mail scanner opens the link before the person does: that uses nothing up.
  const scanned = await page.request.get(link);
  expect(scanned.status()).toBe(200);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Show your domain's result");
  await page.getByRole('button', { name: 'Show the result' }).click();
  await expect(page).toHaveURL('/check/domain/result');
  await expect(page.locator('[data-outcome="affected"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: TITLE })).toBeVisible();
  await expect(page.locator('.categories')).toContainText('Phone number');

  // The link worked once.
  await page.goto(link);
  const again = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Show the result' }).click();
  expect((await again).status()).toBe(410);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link cannot be used');
});

test('a failed DNS verification answers at its own address and the page stays alive', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto('/check/domain');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Domain').fill(`unlisted-${Date.now()}.co.jp`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/check\/domain\/c\/[0-9a-f]{32}$/);
  await expect(page.locator('button.copy')).toHaveCount(2);

  // No TXT record can be found here: the refusal is rendered at the form's address.
  await page.getByRole('button', { name: 'Verify now' }).click();
  await expect(page).toHaveURL(/\/check\/domain\/c\/[0-9a-f]{32}\/dns$/);
  await expect(page.locator('.notice--error')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  // Hydrated as rendered: the copy buttons appear and work.
  await expect(page.locator('button.copy')).toHaveCount(2);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('button.copy').first().click();
  await expect(page.locator('button.copy').first()).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    await page.locator('#record-name').textContent(),
  );
  expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
});
