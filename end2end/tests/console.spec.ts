import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import { publishList } from './lists';
import { addStaff, signIn, STAFF_PASSWORD } from './staff';

// The staff console as a lead works in it: the staff header, the statistics and the audit
// log, on a wide screen and a phone, with JavaScript and without. Each page is photographed
// (into the test's output, not the repository) and, where scripts run (axe is one), checked
// by axe.
const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

for (const javaScriptEnabled of [true, false]) {
  test(`the console's header, statistics and audit log (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
    browser,
  }, testInfo) => {
    test.setTimeout(90_000);
    const email = `console-${javaScriptEnabled ? 'js' : 'nojs'}@example.com`;
    const secret = addStaff(email, 'admin', 'Console Lead');
    // One sign-in (a code is accepted once): the sizes are the same session's window.
    const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page, email, STAFF_PASSWORD, secret);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const [path, heading] of [
        ['/staff/stats', 'Statistics'],
        ['/staff/audit', 'Audit log'],
      ]) {
        await page.goto(path);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
        const menu = page.getByRole('navigation', { name: 'Staff menu' });
        await expect(menu).toContainText('Console Lead');
        await expect(menu.getByRole('link', { name: heading })).toHaveAttribute('aria-current', 'page');
        // Nothing is wider than the screen.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} at ${size.width}px`).toBeLessThanOrEqual(0);
        if (path === '/staff/stats') {
          // 24 hours and 7 days, and since publication once another test published a list.
          await expect(page.locator('section.stats-chart').first()).toBeVisible();
          expect(await page.locator('section.stats-chart').count()).toBeGreaterThanOrEqual(2);
          await expect(page.locator('section.stats-chart .chart svg').first()).toBeVisible();
          // The legend's colours are drawn (the CSP would refuse them as style attributes).
          await expect(page.locator('.legend .swatch rect')).toHaveCount(5 * (await page.locator('.legend').count()));
          await expect(page.locator('.legend .swatch rect').first()).toHaveAttribute('fill', /^#[0-9a-f]{6}$/);
        }
        if (javaScriptEnabled) {
          const results = await new AxeBuilder({ page }).analyze();
          const serious = results.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
          expect(serious, `${path} at ${size.width}px`).toEqual([]);
        }
        const name = `${path.replace(/\W+/g, '-').replace(/^-/, '')}-${size.name}-${javaScriptEnabled ? 'js' : 'nojs'}.png`;
        await page.screenshot({ path: testInfo.outputPath(name), fullPage: true });
      }
    }
    await context.close();
  });
}

// The README's pictures of the console, in English (the test machines have no CJK font).
// They are rewritten only when asked (`make screenshots`): a test run leaves the work tree as
// it found it.
test.describe('README screenshot', () => {
  test.use({ locale: 'en-US', viewport: { width: 1100, height: 760 } });

  test('screenshots of the staff console', async ({ browser, page }) => {
    test.setTimeout(120_000);
    await publishList(
      browser,
      'e2e-console',
      'Unauthorised access to the order system',
      ['contract_number,categories', 'CN100001,Phone number'].join('\n'),
    );
    // Two lookups, one of them affected, so that the charts have something to draw.
    for (const [contract, heading] of [
      ['CN100001', 'Your contract is in the list of affected customers'],
      ['CN100002', 'Not found with the details entered'],
    ]) {
      await page.goto('/check');
      await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      await page.getByLabel('Contract number').fill(contract);
      // Another test's list may carry phone numbers: then the form asks for one.
      const phone = page.getByLabel('Registered phone number');
      if (await phone.count()) await phone.fill('03-5555-0100');
      await page.getByRole('button', { name: 'Check' }).click();
      await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
    }

    const email = 'console-readme@example.com';
    const secret = addStaff(email, 'admin', 'Incident Lead');
    await signIn(page, email, STAFF_PASSWORD, secret);
    const keep = process.env.BREACHCHECK_SCREENSHOTS === '1';
    for (const [where, heading, file] of [
      ['/staff/stats', 'Statistics', 'screenshot-console-stats.png'],
      ['/staff/audit', 'Audit log', 'screenshot-console-audit.png'],
    ]) {
      await page.goto(where);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByRole('navigation', { name: 'Staff menu' })).toContainText('Incident Lead');
      if (where === '/staff/stats') {
        await expect(page.locator('section.stats-incidents')).toContainText('e2e-console');
      }
      // The top of the page, the header and the first chart or the filters with entries.
      const clip = { x: 0, y: 0, width: 1100, height: 1200 };
      const shot = await page.screenshot(
        keep ? { path: path.join(__dirname, '..', '..', 'docs', file), fullPage: true, clip } : { fullPage: true, clip },
      );
      expect(shot.length).toBeGreaterThan(0);
    }
  });
});
