/** Targets from DESIGN.md ("Targets"), verdicts, the printed table and bench-results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadResult } from './load';

export interface Target {
  text: string;
  p99MaxMs?: number;
  rpsMin?: number;
  rssMaxMb?: number;
  /** A one-off operation's wall time. */
  maxMs?: number;
}

export const TARGETS = {
  resolveWarm: { text: 'p99 ≤ 10 ms, ≥ 3,000 req/s', p99MaxMs: 10, rpsMin: 3000 },
  list: { text: 'p99 ≤ 100 ms', p99MaxMs: 100 },
  put: { text: 'p99 ≤ 50 ms', p99MaxMs: 50 },
  resolveMiss: { text: 'p99 ≤ 15 ms', p99MaxMs: 15 },
  modelUsage: { text: 'p99 ≤ 20 ms, ≥ 500 req/s, exact', p99MaxMs: 20, rpsMin: 500 },
  /** The same latency bound as fast as 50 clients can go (~10× the target's rate): stricter than the target. */
  modelUsageSaturated: { text: 'p99 ≤ 20 ms (stricter: saturated)', p99MaxMs: 20 },
  rss: { text: 'RSS ≤ 300 MB', rssMaxMb: 300 },
  info: { text: '(info)' },
  fanout: { text: '(info) until the last subscriber has it' },
  exportValues: { text: '≤ 500 ms', maxMs: 500 },
  importValues: { text: '≤ 2,000 ms (preview + confirm)', maxMs: 2000 },
  backupRestore: { text: '≤ 10,000 ms (backup + restore)', maxMs: 10_000 },
} satisfies Record<string, Target>;

export type Verdict = 'met' | 'missed' | 'errors' | '—';

export interface Row {
  test: string;
  backend: string;
  target: Target;
  verdict: Verdict;
  load?: LoadResult;
  rssMb?: number;
  /** Wall time of a one-off operation (export, import, backup …). */
  ms?: number;
  note?: string;
}

export function loadRow(test: string, backend: string, target: Target, load: LoadResult, note?: string): Row {
  const met = (target.p99MaxMs === undefined || load.p99 <= target.p99MaxMs) && (target.rpsMin === undefined || load.rps >= target.rpsMin);
  const verdict: Verdict = load.errors + load.non2xx > 0 || load.requests === 0 ? 'errors' : met ? 'met' : 'missed';
  return { test, backend, target, verdict, load, note };
}

export function rssRow(test: string, backend: string, target: Target, rssMb: number, note?: string): Row {
  const verdict: Verdict = target.rssMaxMb === undefined ? '—' : rssMb <= target.rssMaxMb ? 'met' : 'missed';
  return { test, backend, target, verdict, rssMb, note };
}

export function timeRow(test: string, backend: string, target: Target, elapsedMs: number, note?: string): Row {
  const verdict: Verdict = target.maxMs === undefined ? '—' : elapsedMs <= target.maxMs ? 'met' : 'missed';
  return { test, backend, target, verdict, ms: elapsedMs, note };
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

export function formatTable(rows: Row[]): string {
  const header = ['test', 'backend', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'target', 'verdict'];
  const body = rows.map((r) =>
    r.load
      ? [
          r.test,
          r.backend,
          ms(r.load.p50),
          ms(r.load.p99),
          Math.round(r.load.rps).toLocaleString('en-US'),
          errorText(r.load),
          r.target.text,
          r.verdict,
        ]
      : r.ms !== undefined
        ? [r.test, r.backend, '', '', '', '', r.target.text, `${r.verdict} (${Math.round(r.ms)} ms)`]
        : [r.test, r.backend, '', '', '', '', r.target.text, `${r.verdict} (${r.rssMb!.toFixed(0)} MB)`],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

function errorText(l: LoadResult): string {
  if (l.errors + l.non2xx === 0) return '0';
  const codes = Object.entries(l.statusCodes)
    .filter(([c]) => !c.startsWith('2'))
    .map(([c, n]) => `${c}×${n}`);
  return [l.errors ? `conn×${l.errors}` : '', ...codes].filter(Boolean).join(' ');
}

export function writeJson(file: string, data: unknown) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}
