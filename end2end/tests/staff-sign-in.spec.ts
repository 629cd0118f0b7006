import { test, expect, type Page } from '@playwright/test';
import { addStaff, STAFF_PASSWORD, totp } from './staff';

async function signIn(page: Page, email: string, secret: Buffer) {
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/staff\/login\/code$/);
  await page.getByLabel('Code').fill(totp(secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/staff$/);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`staff sign-in, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled, locale: 'en-US' });

    test('an admin signs in with password and code, then signs out', async ({ page }) => {
      const email = `admin-${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
      const secret = addStaff(email, 'admin', 'E2E Admin');
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      await signIn(page, email, secret);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff area');
      await expect(page.getByText('E2E Admin')).toBeVisible();
      await expect(page.getByText('(Admin)')).toBeVisible();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/staff\/login\?note=signed_out$/);
      await expect(page.getByRole('status')).toHaveText('You have signed out.');
      await page.goto('/staff');
      await expect(page).toHaveURL(/\/staff\/login$/);
      expect(errors).toEqual([]);
    });

    test('a wrong password gets the one generic answer', async ({ page }) => {
      const email = `desk-${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
      addStaff(email, 'helpdesk', 'E2E Desk');
      await page.goto('/staff/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not-the-password-at-all');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByRole('alert')).toHaveText('Email, password or code is wrong.');
    });
  });
}
