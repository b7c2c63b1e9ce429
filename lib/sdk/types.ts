/**
 * The SDK's public types. `SwitchboardSettings` is empty here; `npm run sdk:types` generates a declaration
 * file that fills it (module augmentation) with every registry key and its value type, so `get` is typed
 * and a misspelt key does not compile. Without it, any string is a key and values are `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SwitchboardSettings {}

/** Setting keys: the generated ones, or any string when no types were generated. */
export type SettingKey = keyof SwitchboardSettings extends never ? string : keyof SwitchboardSettings & string;
export type SettingValue<K extends string> = K extends keyof SwitchboardSettings ? SwitchboardSettings[K] : unknown;

/** Who is asking, for flag evaluation: the targeting key and role (the scope is the client's). */
export interface EvalContext {
  userId?: string;
  role?: string;
}

export interface SwitchboardOptions {
  /** Where Switchboard runs, e.g. `https://switchboard.example.com`. */
  url: string;
  /** An API token whose user may read settings at the context's scope. */
  token: string;
  /** The scope (`scope`, or `tenantId` / `eventId` / `projectId`), whose user-level values count, and the default flag context. */
  context?: { scope?: string; tenantId?: string; eventId?: string; projectId?: string; userId?: string; role?: string };
  /** A file for the last-known snapshot: written after each download, read when the server cannot be reached at start-up. */
  snapshotPath?: string;
  /** Reconnect delays of the change stream: exponential from `minMs` to `maxMs`, with full jitter. Default 500 ms … 30 s. */
  reconnect?: { minMs?: number; maxMs?: number };
  /** Per snapshot download; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `live`: following the stream; `stale`: answering from the last-known snapshot since `since`. */
export type SwitchboardStatus =
  | { state: 'connecting' }
  | { state: 'live'; version: string }
  | { state: 'stale'; since: Date; reason: string; version: string }
  | { state: 'closed' };

/** What changed: a setting (its new value) or a flag (its rule; evaluate again). */
export interface ChangeEvent {
  key: string;
  kind: 'setting' | 'flag';
  value?: unknown;
  previous?: unknown;
}

export class SwitchboardError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SwitchboardError';
  }
}
