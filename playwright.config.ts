import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVER_NODE_ARGS } from './scripts/server-args.mjs';

// Every run starts the built app on a fresh embedded database, like a new user's first `npm start`.
const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-e2e-'));
const port = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // a busy 2-core machine (a build or a benchmark beside the run) can take more than the default 5 s to settle
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's chromium; never a downloaded browser
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // first-run.spec.ts sets the fresh instance up through the form, so it runs before everything else
  projects: [
    { name: 'first-run', testMatch: /first-run\.spec\.ts/ },
    { name: 'app', testIgnore: /first-run\.spec\.ts/, dependencies: ['first-run'] },
  ],
  webServer: {
    // the production entry `npm start` runs (server.ts), over the build CI made just before
    command: `node ${SERVER_NODE_ARGS.join(' ')}`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { SWITCHBOARD_DATA_DIR: dataDir, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', TSX_TSCONFIG_PATH: 'tsconfig.server.json', NEXT_TELEMETRY_DISABLED: '1' },
  },
});
