import { defineConfig } from '@playwright/test';
import path from 'node:path';

// scripts/e2e.sh picks a free port and a fresh data directory for each run.
const port = Number(process.env.E2E_PORT ?? 3100);
const root = path.resolve(__dirname, '..');
const dataDir = process.env.E2E_DATA_DIR ?? path.join(__dirname, '.e2e-data');

export default defineConfig({
  testDir: './tests',
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    trace: 'off',
    launchOptions: {
      // Playwright cannot download its own browser here: Debian's Chromium instead.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `${root}/target/release/breachcheck serve`,
    cwd: root,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      BREACHCHECK_ADDR: `127.0.0.1:${port}`,
      BREACHCHECK_DATA_DIR: dataDir,
      BREACHCHECK_SITE_ROOT: `${root}/target/site`,
      BREACHCHECK_SITE_NAME: 'Example Telecom',
      RUST_LOG: 'warn',
    },
  },
});
