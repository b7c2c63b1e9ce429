import 'server-only';
import type { App } from '../kernel/app';
import { factsOf } from './fingerprint';
import { loadTable, updateLastEvaluated, type FlagRow, type FlagTable } from './store';

const FLUSH_EVALUATED_MS = 60_000;

/**
 * Every flag row, loaded in one query and dropped on any flag change (here, or by NOTIFY from another
 * instance), so evaluation after warm-up never queries. Flags number in the hundreds, not millions.
 */
interface FlagState {
  table: FlagTable | null;
  generation: number;
  /** Rows that decided an evaluation since the last flush of last_evaluated_at. */
  evaluated: Set<FlagRow>;
  flushedAt: number;
}

const states = new WeakMap<App, FlagState>();

function stateOf(app: App): FlagState {
  let state = states.get(app);
  if (!state) {
    const s: FlagState = { table: null, generation: 0, evaluated: new Set(), flushedAt: Date.now() };
    app.caches.onChange((c) => {
      if (c.type !== 'flag') return;
      s.table = null;
      s.generation++;
    });
    states.set(app, (state = s));
  }
  return state;
}

export async function cachedTable(app: App): Promise<FlagTable> {
  const state = stateOf(app);
  if (state.table) return state.table;
  const generation = state.generation;
  const table = await loadTable(app.db);
  // a change committed while loading makes this table stale: use it for this request only
  if (state.generation === generation) state.table = table;
  return table;
}

/**
 * OFREP live updates (issue 11): the flag configuration's version as a `refetchEvaluation` event carries it.
 * `etag` is the table's content hash, equal on every instance holding the same rows.
 */
export async function flagConfig(app: App): Promise<{ etag: string; lastModified: number }> {
  const facts = factsOf(await cachedTable(app));
  return { etag: facts.version, lastModified: facts.lastModified };
}

/**
 * A re-fetch triggered by an event names the configuration it was told about (`flagConfigEtag`,
 * `flagConfigLastModified`): when this instance holds another one (its NOTIFY may still be on the way), it
 * reloads the table once instead of answering from the old one.
 */
export async function revalidateTable(app: App, seen: { etag?: string; lastModified?: number }): Promise<void> {
  if (seen.etag === undefined && seen.lastModified === undefined) return;
  const held = await flagConfig(app);
  const differs = (seen.etag !== undefined && seen.etag !== held.etag) || (seen.lastModified !== undefined && seen.lastModified > held.lastModified);
  if (!differs) return;
  const state = stateOf(app);
  state.table = null;
  state.generation++;
}

/** Notes the row that decided an evaluation; writes last_evaluated_at at most once a minute. */
export function noteEvaluated(app: App, row: FlagRow) {
  const state = stateOf(app);
  state.evaluated.add(row);
  if (Date.now() - state.flushedAt >= FLUSH_EVALUATED_MS) void flushEvaluated(app).catch(() => {});
}

/** Writes the noted evaluation times (not a change: no version, audit or notification). */
export async function flushEvaluated(app: App): Promise<void> {
  const state = stateOf(app);
  state.flushedAt = Date.now();
  if (state.evaluated.size === 0) return;
  // a reloaded table brings new objects for the same rows
  const rows = new Map([...state.evaluated].map((r) => [`${r.key}\u0000${r.scopeId}`, r]));
  state.evaluated.clear();
  await updateLastEvaluated(app.db, [...rows.values()], new Date(state.flushedAt).toISOString());
}
