import { test, expect } from '@playwright/test';
import { addStaff, secretOf, signIn, STAFF_PASSWORD } from './staff';

test.use({ locale: 'en-US' });

test('an admin adds a helpdesk member, who then cannot manage staff', async ({ page }) => {
  const adminSecret = addStaff('users-admin@example.com', 'admin', 'Users Admin');
  await signIn(page, 'users-admin@example.com', STAFF_PASSWORD, adminSecret);

  await page.getByRole('link', { name: 'Staff accounts', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff accounts');
  await page.getByLabel('Email', { exact: true }).fill('new-desk@example.com');
  await page.getByLabel('Name', { exact: true }).fill('New Desk');
  await page.getByLabel('Role', { exact: true }).selectOption('helpdesk');
  await page.getByLabel('Initial password (12 characters or more)').fill('green-teapot-comet-17');
  await page.getByRole('button', { name: 'Add' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Authenticator enrolment');
  await expect(page.locator('.qr svg')).toBeVisible();
  const uri = (await page.locator('.enrolment-uri').textContent()) ?? '';
  expect(uri).toContain('otpauth://totp/');
  const deskSecret = secretOf(uri);

  await page.goto('/staff');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/note=signed_out/);

  await signIn(page, 'new-desk@example.com', 'green-teapot-comet-17', deskSecret);
  await expect(page.locator('.staff-nav__who')).toContainText('(Helpdesk)');
  await expect(page.getByRole('link', { name: 'Staff accounts', exact: true })).toHaveCount(0);
  const response = await page.goto('/staff/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toHaveText('Your role does not allow this page.');
  await expect(page.getByRole('button', { name: 'Add' })).toHaveCount(0);
});
