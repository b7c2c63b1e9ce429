import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'dist/**', '.data/**', 'drizzle/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
  {
    // No import cycles. eslint-config-next already registers eslint-plugin-import and resolves `@/` through
    // eslint-import-resolver-typescript (tsconfig paths). The rule skips `import type` (erased at runtime).
    files: ['**/*.{js,mjs,ts,tsx}'],
    // never parse dependencies for it: only our own files can form a cycle worth reporting
    settings: { 'import/ignore': ['node_modules'] },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
];
export default config;
