import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules of lib/README.md, checked on every `npm test`. eslint's import/no-cycle skips
 * `import type`, so type-only cycles (the kind that crept into lib/services before) are found here.
 */
const root = path.resolve(__dirname, '..');
const SOURCE = /\.(ts|tsx)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (SOURCE.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('@/')) base = path.join(root, spec.slice(2));
  else if (spec.startsWith('.')) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const files = ['lib', 'components', 'app'].flatMap((d) => walk(path.join(root, d)));
const graph = new Map(
  files.map((f) => [
    f,
    ts
      .preProcessFile(readFileSync(f, 'utf8'), true, true)
      .importedFiles.map((i) => resolveImport(f, i.fileName))
      .filter((x): x is string => x !== null),
  ]),
);
const rel = (f: string) => path.relative(root, f);

function findCycle(): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const dep of graph.get(f) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

describe('architecture', () => {
  it('has no import cycles, type-only imports included', () => {
    expect(findCycle()?.map(rel) ?? null).toBeNull();
  });

  it('keeps the engine pure: no imports from db, services, api, auth or app code', () => {
    const offenders = files
      .filter((f) => rel(f).startsWith('lib/engine/'))
      .flatMap((f) => (graph.get(f) ?? []).filter((d) => /^(lib\/(db|services|api|auth)|app|components)\//.test(rel(d))).map((d) => `${rel(f)} → ${rel(d)}`));
    expect(offenders).toEqual([]);
  });

  it('keeps queries in stores: only store.ts files and the kernel import the database schema in lib/services', () => {
    const offenders = files
      .filter((f) => rel(f).startsWith('lib/services/') && !/\/(store\.ts|kernel\/)/.test(rel(f)))
      .filter((f) => (graph.get(f) ?? []).some((d) => rel(d) === 'lib/db/schema.ts'))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('keeps service modules under 300 lines', () => {
    const long = files
      .filter((f) => rel(f).startsWith('lib/services/'))
      .map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });

  it('never lets the UI import server code from lib/services or lib/db', () => {
    const offenders = files
      .filter((f) => rel(f).startsWith('components/') || rel(f).startsWith('lib/client/'))
      .flatMap((f) => (graph.get(f) ?? []).filter((d) => /^lib\/(services|db)\//.test(rel(d))).map((d) => `${rel(f)} → ${rel(d)}`));
    expect(offenders).toEqual([]);
  });
});
