/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM + data files it loads from its own package dir; postgres.js uses node sockets.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres'],
  poweredByHeader: false,
  typedRoutes: false,
};
export default nextConfig;
