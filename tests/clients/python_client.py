"""psycopg 3 against the server: connect, prepare, read every supported type back in text
and binary format, and check error SQLSTATEs. Exits non-zero on the first mismatch.

Connection from PGHOST / PGPORT / PGUSER (libpq environment)."""
import datetime
import decimal
import sys
import uuid

import psycopg
from psycopg import errors
from psycopg.types.json import Json, Jsonb

T = "pyclient_types"
ROW = {
    "id": 1,
    "flag": True,
    "small": -12,
    "big": 9_000_000_000,
    "real4": 1.5,
    "dbl": 2.25,
    "num": decimal.Decimal("12345.678"),
    "txt": "héllo 'world'",
    "vc": "varchar",
    "u": uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    "d": datetime.date(2024, 1, 2),
    "tm": datetime.time(3, 4, 5, 123456),
    "ts": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
    "tstz": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.timezone.utc),
    "iv": datetime.timedelta(days=3, hours=4, minutes=5),
    "j": {"a": [1, 2], "b": None},
    "jb": {"k": "v", "n": 1},
    "bin": b"\x00\xff\x10",
    "ints": [1, 2, 3],
    "texts": ["a", "b c"],
}
DDL = f"""CREATE TABLE {T} (id int PRIMARY KEY, flag boolean, small smallint, big bigint,
  real4 real, dbl double precision, num numeric, txt text, vc varchar(20), u uuid, d date,
  tm time, ts timestamp, tstz timestamptz, iv interval, j json, jb jsonb, bin bytea,
  ints int[], texts text[])"""


def check(what, got, want):
    if got != want:
        print(f"FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)


def expect_error(conn, sql, sqlstate, params=None):
    try:
        conn.execute(sql, params)
    except psycopg.Error as e:
        check(f"SQLSTATE of {sql!r}", e.sqlstate, sqlstate)
        conn.rollback()
        return
    print(f"FAIL {sql!r} succeeded, want SQLSTATE {sqlstate}")
    sys.exit(1)


def main():
    with psycopg.connect(dbname="postgres", autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(f"DROP TABLE IF EXISTS {T}")
        conn.execute(DDL)
        cols = ", ".join(ROW)
        marks = ", ".join(f"%({c})s" for c in ROW)
        params = dict(ROW, j=Json(ROW["j"]), jb=Jsonb(ROW["jb"]))
        cur = conn.execute(f"INSERT INTO {T} ({cols}) VALUES ({marks})", params, prepare=True)
        check("INSERT rowcount", cur.rowcount, 1)
        for binary in (False, True):
            for _ in range(3):  # the third run uses a server-side prepared statement
                cur = conn.cursor(binary=binary)
                cur.execute(f"SELECT {cols} FROM {T} WHERE id = %s", (1,), prepare=True)
                row = cur.fetchone()
                for name, got in zip(ROW, row):
                    check(f"{name} (binary={binary})", got, ROW[name])
        check("text output", conn.execute(f"SELECT flag::text, num::text, bin::text FROM {T}").fetchone(), ("true", "12345.678", "\\x00ff10"))
        conn.execute(f"INSERT INTO {T} (id) VALUES (%s)", (2,))
        check("NULLs", conn.execute(f"SELECT flag, u, j FROM {T} WHERE id = 2").fetchone(), (None, None, None))
        expect_error(conn, "SELECT * FROM pyclient_missing", errors.UndefinedTable.sqlstate)
        expect_error(conn, f"INSERT INTO {T} (id) VALUES (%s)", errors.UniqueViolation.sqlstate, (1,))
        expect_error(conn, "SELEC 1", errors.SyntaxError.sqlstate)
        expect_error(conn, f"SELECT nope FROM {T}", errors.UndefinedColumn.sqlstate)
        expect_error(conn, "SELECT 1/0", errors.DivisionByZero.sqlstate)
        check("after errors", conn.execute("SELECT 1 + %s", (1,)).fetchone(), (2,))
        conn.execute(f"DROP TABLE {T}")
    print("python client: ok")


main()
