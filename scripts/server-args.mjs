/**
 * How the production server is started (`npm start`, the bench, Playwright): Node's flags, then server.ts
 * through tsx. One list, so what is measured is what runs.
 *
 * Memory (DESIGN.md: ≤ 300 MB RSS for one process at 1M stored values): what the server keeps alive is
 * ~40–50 MB of heap (next.config.mjs: no page modules preloaded); its RSS under load is mostly garbage not
 * yet collected. 8 MB semi-spaces instead of 16 halve the young generation, and the old generation grows to
 * twice what the last full collection kept (V8 otherwise lets it reach ~4× under allocation bursts). Bench at
 * 1M values: 183 MB peak with a 50 % step (but about twice the CPU per cache-miss read), 209 MB with 100 %,
 * 294 MB without the flag. Neither flag caps the heap: a large backup or import still gets what it needs.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=8', '--heap-growing-percent=100', '--import', 'tsx', 'server.ts'];
