// node-postgres (pg) against the server: connect, named prepared statements, every supported
// type read back, and error SQLSTATEs. Exits non-zero on the first mismatch.
// Connection from PGHOST / PGPORT / PGUSER; pg is found through NODE_PATH.
'use strict';
const { Client, types } = require('pg');
const assert = require('assert');

// Keep int8 and numeric as strings (exact), dates as text (no local-zone conversion).
types.setTypeParser(1082, (v) => v);
types.setTypeParser(1114, (v) => v);

const T = 'nodeclient_types';
const DDL = `CREATE TABLE ${T} (id int PRIMARY KEY, flag boolean, small smallint, big bigint,
  dbl double precision, num numeric, txt text, u uuid, d date, ts timestamp, tstz timestamptz,
  j json, jb jsonb, bin bytea, ints int[], texts text[])`;
const ROW = [1, true, -12, '9000000000', 2.25, '12345.678', "héllo 'world'",
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-01-02', '2024-01-02 03:04:05.123456',
  new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123)), { a: [1, 2], b: null }, { k: 'v', n: 1 },
  Buffer.from([0, 255, 16]), [1, 2, 3], ['a', 'b c']];
const COLS = ['id', 'flag', 'small', 'big', 'dbl', 'num', 'txt', 'u', 'd', 'ts', 'tstz', 'j', 'jb', 'bin', 'ints', 'texts'];

async function expectError(client, text, code, values) {
  try {
    await client.query(text, values);
  } catch (e) {
    assert.strictEqual(e.code, code, `SQLSTATE of ${text}: ${e.message}`);
    return;
  }
  assert.fail(`${text} succeeded, want SQLSTATE ${code}`);
}

async function main() {
  const client = new Client({ database: 'postgres' });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  await client.query(`DROP TABLE IF EXISTS ${T}`);
  await client.query(DDL);
  const marks = COLS.map((_, i) => `$${i + 1}`).join(', ');
  const params = ROW.map((v, i) => (COLS[i] === 'j' || COLS[i] === 'jb' ? JSON.stringify(v) : v));
  const ins = await client.query({ name: 'ins', text: `INSERT INTO ${T} (${COLS.join(', ')}) VALUES (${marks})`, values: params });
  assert.strictEqual(ins.rowCount, 1);
  assert.strictEqual(ins.command, 'INSERT');
  for (let i = 0; i < 3; i++) {
    const res = await client.query({ name: 'sel', text: `SELECT ${COLS.join(', ')} FROM ${T} WHERE id = $1`, values: [1] });
    assert.strictEqual(res.rows.length, 1);
    COLS.forEach((c, k) => assert.deepStrictEqual(res.rows[0][c], ROW[k], `column ${c}`));
    assert.deepStrictEqual(res.fields.map((f) => f.dataTypeID), [23, 16, 21, 20, 701, 1700, 25, 2950, 1082, 1114, 1184, 114, 3802, 17, 1007, 1009]);
  }
  await client.query(`INSERT INTO ${T} (id) VALUES ($1)`, [2]);
  const nulls = await client.query(`SELECT flag, u, j FROM ${T} WHERE id = 2`);
  assert.deepStrictEqual(nulls.rows[0], { flag: null, u: null, j: null });
  await expectError(client, 'SELECT * FROM nodeclient_missing', '42P01');
  await expectError(client, `INSERT INTO ${T} (id) VALUES ($1)`, '23505', [1]);
  await expectError(client, 'SELEC 1', '42601');
  await expectError(client, `SELECT nope FROM ${T}`, '42703');
  await expectError(client, 'SELECT 1/0', '22012');
  const after = await client.query('SELECT $1::int + 1 AS two', [1]);
  assert.strictEqual(after.rows[0].two, 2);
  await client.query(`DROP TABLE ${T}`);
  await client.end();
  console.log('node client: ok');
}

main().catch((e) => {
  console.error('FAIL', e.message);
  process.exit(1);
});
