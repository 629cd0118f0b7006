import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
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
