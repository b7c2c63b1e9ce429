import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { rowsOf, type Executor } from './client';
import * as schema from './schema';
import { sql } from 'drizzle-orm';
import { arrayLiteral, selectJson, unnestRows, type Column } from './rows';

/** Rows through array literals come back from a real PostgreSQL (PGlite) exactly as sent. */
let client: PGlite;
let db: Executor;
beforeAll(async () => {
  client = new PGlite();
  db = drizzle(client, { schema }) as unknown as Executor;
  await client.query('select 1'); // the first query starts the database (seconds on a busy machine)
}, 60_000);
afterAll(async () => {
  await client.close();
});

type Row = { t: string | null; j: unknown; n: number | null; b: boolean | null; at: Date | null };
const COLUMNS: Record<string, Column<Row>> = {
  t: ['text', (r) => r.t],
  j: ['jsonb', (r) => r.j],
  n: ['int', (r) => r.n],
  b: ['boolean', (r) => r.b],
  at: ['timestamptz', (r) => r.at],
};

const AWKWARD = ['', 'NULL', 'null', 'a"b', 'c\\d', '\\"', '{x,y}', ' lead and trail ', 'line\nbreak\ttab\rcr', '\u0001\u001f', 'é ü 中文', '🙂 emoji', "it's", ','];

async function roundTrip(rows: Row[]) {
  const res = await db.execute(sql`select r.t, r.j, r.n, r.b, r.at, r.ord as pos, r.j is null as j_null from ${unnestRows(rows, COLUMNS)} order by r.ord`);
  return rowsOf<Record<string, unknown>>(res);
}

describe('unnestRows', () => {
  it('brings back every awkward string, JSON value, number, boolean and time as sent, in order', async () => {
    const at = new Date('2026-12-02T10:11:12.345Z');
    const rows: Row[] = [
      ...AWKWARD.map((t, i) => ({ t, j: { t, nested: [t, i, null, true] }, n: i, b: i % 2 === 0, at })),
      { t: null, j: null, n: null, b: null, at: null },
      { t: 'json scalars', j: 'a "quoted"\\ string\n', n: -2147483648, b: false, at },
      { t: 'json number', j: 1.5e300, n: 2147483647, b: true, at },
      { t: 'json array', j: [], n: 0, b: true, at },
    ];
    const back = await roundTrip(rows);
    expect(back).toHaveLength(rows.length);
    back.forEach((r, i) => {
      expect(r.t).toBe(rows[i].t);
      expect(Number(r.pos)).toBe(i + 1);
      expect(r.n).toBe(rows[i].n);
      expect(r.b).toBe(rows[i].b);
      expect(r.at === null ? null : new Date(r.at as string).toISOString()).toBe(rows[i].at?.toISOString() ?? null);
    });
    // JSON values compared through jsonb's own rendering of what was sent
    const expected = await db.execute(sql`select ${JSON.stringify(rows.map((r) => r.j))}::jsonb as j`);
    const sentJson = rowsOf<{ j: unknown }>(expected)[0].j;
    expect(back.map((r) => r.j)).toEqual(sentJson);
    // JSON null arrives as SQL NULL (as jsonb_to_recordset did), a JSON string stays a string
    expect(back[AWKWARD.length].j_null).toBe(true);
    expect(back[AWKWARD.length + 1].j).toBe('a "quoted"\\ string\n');
  });

  it('sends an empty batch as empty arrays', async () => {
    expect(await roundTrip([])).toEqual([]);
    expect(arrayLiteral([], COLUMNS.t)).toBe('{}');
  });

  it('refuses a value its column cannot hold instead of sending something else', async () => {
    expect(() => arrayLiteral([{ t: {} as unknown as string, j: null, n: 1, b: true, at: null }], COLUMNS.t)).toThrow(/text column cannot hold object/);
    // UTF-8 has no lone surrogate: text would arrive as U+FFFD (an audit entry would no longer match its hash), JSON is refused by jsonb
    const lone = { t: 'lone \ud800 surrogate', j: null, n: 1, b: true, at: null };
    expect(() => arrayLiteral([lone], COLUMNS.t)).toThrow(/lone UTF-16 surrogate/);
    expect(arrayLiteral([{ ...lone, t: 'pair 🙂' }], COLUMNS.t)).toBe('{"pair 🙂"}');
    await expect(roundTrip([{ ...lone, t: 'ok', j: { s: 'lone \udc00' } }])).rejects.toThrow();
  });
});

describe('selectJson', () => {
  it('answers the rows in the given order, fields named by the query, JSON values as values', async () => {
    await db.execute(sql`create table t (id int, label text, doc jsonb, at timestamptz)`);
    await db.execute(sql`insert into t values (2, 'two "quoted"', '{"a":[1,null,"x\\ny"]}', '2026-12-02T10:00:00Z'), (1, null, '"plain"', null), (3, 'three', null, null)`);
    const fields = { id: sql`id`, theLabel: sql`label`, doc: sql`doc`, at: sql`at` };
    const rows = await selectJson<{ id: number; theLabel: string | null; doc: unknown; at: string | null }>(db, fields, sql`from t where id < 3`, sql`id`);
    expect(rows).toEqual([
      { id: 1, theLabel: null, doc: 'plain', at: null },
      { id: 2, theLabel: 'two "quoted"', doc: { a: [1, null, 'x\ny'] }, at: expect.stringMatching(/^2026-12-02T10:00:00/) },
    ]);
    expect(new Date(rows[1].at!).toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(await selectJson(db, fields, sql`from t where id > 10`, sql`id`)).toEqual([]);
  });
});
