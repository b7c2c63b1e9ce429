import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from './client';

/**
 * Many rows in one statement, one parameter per column: each column travels as a PostgreSQL array literal
 * (a plain string, which both drivers pass through untouched) and the statement unpacks them with
 * `unnest(…) with ordinality`. PostgreSQL reads typed arrays several times faster than one jsonb document
 * of the same rows: 5,000 audit rows cost ~25 ms of parsing as arrays against ~70–100 ms through
 * jsonb_to_recordset, and a 100,000-value restore sends forty such statements. Thousands of bound
 * parameters in a VALUES list are slower still (and capped at 65,535).
 */

export type ColumnType = 'text' | 'int' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb';

/** A column: its SQL type and how a row gives its value (null or undefined: SQL NULL; jsonb: any JSON value, JSON null included as SQL NULL). */
export type Column<R> = readonly [ColumnType, (row: R) => unknown];

/** Characters JSON.stringify escapes differently from an array literal (control characters, lone surrogates). */
const UNLIKE_JSON = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A quoted element: backslash and double quote escaped with a backslash. For most strings that is exactly
 * what JSON.stringify writes (native, several times faster than a replace); strings with characters JSON
 * escapes otherwise take the replace.
 */
const quote = (s: string) => (UNLIKE_JSON.test(s) ? slowQuote(s) : JSON.stringify(s));

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function slowQuote(s: string): string {
  // UTF-8 cannot carry it: the driver would store U+FFFD, and whatever hashed the original would no longer match
  if (LONE_SURROGATE.test(s)) throw new TypeError('a text value holds a lone UTF-16 surrogate, which PostgreSQL cannot store');
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

function element(type: ColumnType, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  // JSON text holds no control characters, so its quoting is always JSON's
  if (type === 'jsonb') return JSON.stringify(JSON.stringify(v));
  if (v instanceof Date) return quote(v.toISOString());
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new TypeError(`a ${type} column cannot hold ${typeof v}`);
}

/** One column's values as an array literal: `{"a","b\"c",NULL}`. */
export function arrayLiteral<R>(rows: readonly R[], [type, get]: Column<R>): string {
  const parts = new Array<string>(rows.length);
  // a bulk repeats most of its columns (one actor, time, reason and change set for all its audit rows)
  let last: unknown = {};
  let lastElement = '';
  for (let i = 0; i < rows.length; i++) {
    const v = get(rows[i]);
    if (v !== last) {
      last = v;
      lastElement = element(type, v);
    }
    parts[i] = lastElement;
  }
  return `{${parts.join(',')}}`;
}

/**
 * `unnest($1::text[], $2::jsonb[], …) with ordinality as <alias>(<columns…>, ord)`: the rows as a table to
 * select from, `ord` their 1-based position (ORDER BY it where order matters). Column names come from code.
 */
export function unnestRows<R>(rows: readonly R[], columns: Record<string, Column<R>>, alias = 'r'): SQL {
  const names = Object.keys(columns);
  if (names.includes('ord')) throw new Error('unnestRows: "ord" is the position column');
  const arrays = names.map((name) => sql`${arrayLiteral(rows, columns[name])}::${sql.raw(columns[name][0])}[]`);
  return sql`unnest(${sql.join(arrays, sql`, `)}) with ordinality as ${sql.raw(alias)}(${sql.raw([...names, 'ord'].join(', '))})`;
}

/**
 * Rows read as one JSON document (json_agg of one array per row) and parsed here in one go: for tens of
 * thousands of rows much less CPU in this process than decoding and mapping them one by one (100,000
 * stored values: ~1 s, most of it per-row JSON.parse, mapping and garbage), for ~0.25 s more in the
 * database. `fields`: each field of a row and the expression giving it; `from`: the FROM (and WHERE)
 * clause. Timestamps arrive as ISO strings, jsonb as its value.
 */
export async function selectJson<T>(db: Executor, fields: { [K in keyof T & string]: SQL }, from: SQL, orderBy: SQL): Promise<T[]> {
  const names = Object.keys(fields) as (keyof T & string)[];
  const list = sql.join(
    names.map((n) => fields[n]),
    sql`, `,
  );
  const [row] = rowsOf<{ doc: string }>(await db.execute(sql`select coalesce(json_agg(json_build_array(${list}) order by ${orderBy}), '[]')::text as doc ${from}`));
  return (JSON.parse(row.doc) as unknown[][]).map((values) => {
    const out = {} as T;
    for (let i = 0; i < names.length; i++) out[names[i]] = values[i] as T[keyof T & string];
    return out;
  });
}
