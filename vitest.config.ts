import { defineConfig } from 'vitest/config';
import path from 'node:path';

// 'server-only' throws outside React Server Components; tests and scripts are server code too.
const alias = {
  '@': path.resolve(__dirname),
  'server-only': path.resolve(__dirname, 'node_modules/server-only/empty.js'),
};

export default defineConfig({
  test: {
    // integration files each start a server on their own database; on 2 cores one at a time is fastest
    fileParallelism: false,
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          // tests/pg need real PostgreSQL (roles, a network to cut): part of `npm run test:pg`, not of the PGlite run
          include: ['tests/integration/**/*.test.ts', ...(process.env.TEST_DATABASE_URL ? ['tests/pg/**/*.test.ts'] : [])],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // the hot-path suites again, served through the router's Fetch entry (`next dev`) instead of the
        // Node one the production server uses: both adapters must answer every case alike
        resolve: { alias },
        test: {
          name: 'integration-fetch',
          include: ['tests/integration/{ofrep,flags,settings,system,http,stream}.test.ts'],
          environment: 'node',
          env: { TEST_ADAPTER: 'fetch' },
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
