import 'server-only';
import type { App } from '../kernel/app';

/**
 * `model.quota` events: a usage crossed a soft threshold or reached a hard limit. Delivered after the
 * usage commits, to in-process subscribers. THE SEAM for the change stream (`GET /stream`, issue 11):
 * once it exists, it subscribes here and forwards each event as a `model.quota` SSE event.
 */
export interface ModelQuotaEvent {
  type: 'model.quota';
  provider: string;
  scopeId: string;
  period: 'daily' | 'monthly';
  metric: 'requests' | 'tokens' | 'cost';
  threshold: 'soft' | 'hard';
  limit: number;
  used: number;
  resetsAt: string;
  at: string;
}

const subscribers = new WeakMap<App, Set<(e: ModelQuotaEvent) => void>>();

export function onModelEvent(app: App, fn: (e: ModelQuotaEvent) => void): () => void {
  let set = subscribers.get(app);
  if (!set) subscribers.set(app, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

export function emitModelEvents(app: App, events: ModelQuotaEvent[]) {
  const set = subscribers.get(app);
  if (!set) return;
  for (const e of events) {
    for (const fn of set) {
      try {
        fn(e);
      } catch (err) {
        console.error('[switchboard] model event subscriber failed', err);
      }
    }
  }
}
