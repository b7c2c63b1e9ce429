/**
 * How the production server is started (`npm start`, the bench, Playwright): Node's flags, then server.ts
 * through tsx. One list, so what is measured is what runs.
 *
 * Memory (DESIGN.md: ≤ 300 MB RSS for one process at 1M stored values): what the server keeps alive is
 * ~40–80 MB of heap; its RSS under load is mostly garbage not yet collected. A smaller young generation
 * (8 MB semi-spaces instead of 16) and an old generation that grows by a fixed 50 % past what the last full
 * collection kept (V8 otherwise lets it grow up to 4× under allocation bursts) keep that garbage bounded,
 * for a little more collector work. Neither flag caps the heap: a large backup or import still gets what it needs.
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=8', '--heap-growing-percent=50', '--import', 'tsx', 'server.ts'];
