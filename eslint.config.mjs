import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'drizzle/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
  {
    // No import cycles (type-only imports included): eslint-config-next already registers eslint-plugin-import
    // and resolves `@/` through eslint-import-resolver-typescript (tsconfig paths).
    files: ['**/*.{js,mjs,ts,tsx}'],
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
];
export default config;
