/**
 * The identifier patterns, in one place: the engine checks with them and lib/schemas builds its zod
 * schemas from them (this module imports nothing, so both may depend on it).
 */

/** A setting or flag key: dotted, e.g. `catering.bufferPercentage`. */
export const SETTING_KEY_PATTERN = /^[a-z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+$/;

/** A hierarchy level key, e.g. `tenant`, `project`. */
export const LEVEL_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** A scope node id (API.md); the root `global` is one. */
export const SCOPE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A user's own values are addressed as scope `user:<userId>`; group 1 is the user id. */
export const USER_SCOPE_PATTERN = /^user:([A-Za-z0-9_-]{1,64})$/;

const body = (re: RegExp) => re.source.replace(/^\^/, '').replace(/\$$/, '');

/** Where a value may be written: a scope node id or `user:<userId>`. */
export const WRITE_SCOPE_PATTERN = new RegExp(`^(?:${body(SCOPE_ID_PATTERN)}|${body(USER_SCOPE_PATTERN)})$`);
