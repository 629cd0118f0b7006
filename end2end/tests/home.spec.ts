import { test, expect, type Page } from '@playwright/test';
import path from 'node:path';

/**
 * Collects everything that would mean the page is broken for a visitor. With JavaScript
 * off, Chromium refuses the preload of the app's script (reporting it as "csp"): that is
 * the browser honouring the setting, so `scriptsDisabled` ignores exactly that. The wasm
 * preload still downloads (nothing will run it), and leaving the page before it completes
 * cancels it (ERR_ABORTED): that too is the browser's doing, not a failure a visitor sees.
 */
function watchForProblems(page: Page, scriptsDisabled = false): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      problems.push(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    if (scriptsDisabled && request.resourceType() === 'script' && reason === 'csp') {
      return;
    }
    if (scriptsDisabled && request.url().endsWith('.wasm') && reason === 'net::ERR_ABORTED') {
      return;
    }
    // The icon loads after the page; a click or a reload that moves on cancels it. That is
    // the browser's doing, not a failure of the site (which would read as a reset or an
    // empty response).
    if (request.url().endsWith('/favicon.svg') && reason === 'net::ERR_ABORTED') {
      return;
    }
    problems.push(`request failed: ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return problems;
}

async function waitForHydration(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
}

test.describe('with JavaScript', () => {
  test.use({ locale: 'ja-JP' });

  test('home page loads and hydrates with no console errors or failed requests', async ({
    page,
  }) => {
    const problems = watchForProblems(page);
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await waitForHydration(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page).toHaveTitle(/情報流出に関するお知らせ/);
    await expect(page.getByRole('heading', { level: 2, name: '事案のお知らせ' })).toBeVisible();
    await expect(page.getByRole('contentinfo')).toContainText('0120-000-000');
    // Let late requests (wasm, favicon) settle before judging.
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  test('the language switch changes the page and survives a reload', async ({
    page,
  }) => {
    const problems = watchForProblems(page);
    await page.goto('/');
    await waitForHydration(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');

    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Information about the security incident',
    );
    await expect(page).toHaveTitle(/Information about the security incident/);

    // A reload aborts whatever the page still loads (its favicon): let that settle first,
    // or the abort reads as a failed request.
    await page.waitForLoadState('networkidle');
    await page.reload();
    await waitForHydration(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 2, name: 'Incident notices' })).toBeVisible();

    await page.getByRole('link', { name: '日本語' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await page.waitForLoadState('networkidle');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  test('keyboard users can skip to the content and reach the switch', async ({ page }) => {
    await page.goto('/');
    await waitForHydration(page);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: '本文へ移動' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'English' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });

});

// In English: the test machines have no CJK font, so Japanese would show as boxes.
test.describe('README screenshot', () => {
  test.use({ locale: 'en-US', viewport: { width: 1100, height: 760 } });

  test('screenshot of the home page', async ({ page }) => {
    await page.goto('/');
    await waitForHydration(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The README's copy is rewritten only when asked (`make screenshots`): a test run leaves
    // the work tree as it found it.
    const keep = process.env.BREACHCHECK_SCREENSHOTS === '1';
    const shot = await page.screenshot(
      keep ? { path: path.join(__dirname, '..', '..', 'docs', 'screenshot-home.png') } : {},
    );
    expect(shot.length).toBeGreaterThan(0);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, locale: 'en-US' });

  test('the page works and the switch is a plain link', async ({ page }) => {
    const problems = watchForProblems(page, true);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Information about the security incident',
    );

    await page.getByRole('link', { name: '日本語' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page.getByRole('heading', { level: 2, name: '事案のお知らせ' })).toBeVisible();

    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    expect(problems).toEqual([]);
  });
});
