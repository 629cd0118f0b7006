import { test, expect } from '@playwright/test';

// The release build names the bundle, its script and the CSS after their content and writes
// a brotli and a gzip copy beside each: they are served as they lie, cached for a year.
test('the wasm, its script and the CSS are served precompressed, with hashed names, for a year', async ({
  page,
  request,
}) => {
  await page.goto('/check');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
  const assets = {
    css: await page.locator('link[rel="stylesheet"]').getAttribute('href'),
    js: await page.locator('link[rel="modulepreload"]').getAttribute('href'),
    wasm: await page.locator('link[rel="preload"][as="fetch"]').getAttribute('href'),
  };
  for (const [kind, href] of Object.entries(assets)) {
    expect(href, kind).toMatch(new RegExp(`^/pkg/breachcheck\\.[A-Za-z0-9_-]{8,}\\.${kind}$`));
    for (const encoding of ['br', 'gzip']) {
      const response = await request.get(href!, { headers: { 'accept-encoding': encoding } });
      expect(response.status(), `${href} ${encoding}`).toBe(200);
      const headers = response.headers();
      expect(headers['content-encoding'], `${href} ${encoding}`).toBe(encoding);
      expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(headers['vary']?.toLowerCase()).toContain('accept-encoding');
      if (encoding === 'br') {
        console.log(`${kind}: ${href}, brotli ${headers['content-length'] ?? '?'} bytes`);
      }
    }
  }
  // The page itself is not cached for ever: it names the files.
  const html = await request.get('/check');
  expect(html.headers()['cache-control'] ?? '').not.toContain('immutable');
});

// The home page and notices are kept rendered and gzip-compressed; a browser that takes
// gzip gets that copy (with its own nonce), and reads it as the same page.
test('a cached page goes gzip-compressed to a browser that takes it', async ({ page, request }) => {
  const response = await request.get('/', { headers: { 'accept-encoding': 'gzip' } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-encoding']).toBe('gzip');
  expect(response.headers()['vary']).toContain('Accept-Encoding');
  expect(await response.text()).toContain('</html>');
  // And in the browser itself (which asks for it): the page hydrates.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
});
