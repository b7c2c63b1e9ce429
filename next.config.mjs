/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM + data files it loads from its own package dir; postgres.js uses node sockets.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres'],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    // Next loads every page's server modules at start by default; the production server answers the API
    // itself (server.ts), so an instance serving mostly API traffic would carry them for nothing. A page's
    // modules now load on its first request (README "Benchmarks", server memory).
    preloadEntriesOnStart: false,
  },
};
export default nextConfig;
