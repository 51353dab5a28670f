//! End-to-end wire protocol tests: the real binary on a free port, for each IO backend, driven
//! by tokio-postgres (simple + extended, text + binary), raw bytes, and psql.

mod pg_cluster;
mod support;

use bytes::BytesMut;
use pg_cluster::PgCluster;
use postgres_types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use std::io::{Read, Write};
use std::net::TcpStream;
use support::server::Server;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// Any value as its raw binary wire bytes, so binary encodings can be checked exactly.
#[derive(Debug, PartialEq, Clone)]
struct Raw(Vec<u8>);

impl ToSql for Raw {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

async fn connect(conn_str: &str) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conn_str, NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

/// The text values of the first row of a simple query.
async fn simple_row(client: &Client, sql: &str) -> Vec<Option<String>> {
    let messages = client.simple_query(sql).await.unwrap();
    let row = messages.iter().find_map(|m| if let SimpleQueryMessage::Row(r) = m { Some(r) } else { None }).expect("a row");
    (0..row.len()).map(|i| row.get(i).map(str::to_string)).collect()
}

fn code(e: &tokio_postgres::Error) -> Option<&SqlState> {
    e.code()
}

/// 2024-01-02 03:04:05.123456 UTC, microseconds since 2000-01-01.
const TS: i64 = 757_479_845_123_456;

fn numeric_12345_678() -> Vec<u8> {
    [3i16, 1, 0, 3, 1, 2345, 6780].iter().flat_map(|d| d.to_be_bytes()).collect()
}

async fn types_round_trip(io: &str) {
    let server = Server::start(io, &[]);
    let client = connect(&server.conn_str()).await.unwrap();
    client.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    client
        .batch_execute("CREATE TABLE wt (id int PRIMARY KEY, u uuid, ts timestamptz, n numeric, j json, jb jsonb, b bytea, t text, f float8, d date, flag boolean, big bigint)")
        .await
        .unwrap();
    let u = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap();
    let j = serde_json::json!({"a": [1, 2], "b": null});
    let insert = client.prepare("INSERT INTO wt VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)").await.unwrap();
    let ts = Raw(TS.to_be_bytes().to_vec());
    let n = Raw(numeric_12345_678());
    let d = Raw(8767i32.to_be_bytes().to_vec());
    let rows = client
        .execute(&insert, &[&1i32, &u, &ts, &n, &j, &j, &vec![0u8, 255, 16], &"héllo", &1.5f64, &d, &true, &(-9_000_000_000i64)])
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let row = client.query_one("SELECT u, ts, n, j, jb, b, t, f, d, flag, big FROM wt WHERE id = $1", &[&1i32]).await.unwrap();
    assert_eq!(row.get::<_, uuid::Uuid>(0), u);
    assert_eq!(row.get::<_, Raw>(1), ts);
    assert_eq!(row.get::<_, Raw>(2), n);
    assert_eq!(row.get::<_, serde_json::Value>(3), j);
    assert_eq!(row.get::<_, serde_json::Value>(4), j);
    assert_eq!(row.get::<_, Vec<u8>>(5), vec![0u8, 255, 16]);
    assert_eq!(row.get::<_, String>(6), "héllo");
    assert_eq!(row.get::<_, f64>(7), 1.5);
    assert_eq!(row.get::<_, Raw>(8), d);
    assert!(row.get::<_, bool>(9));
    assert_eq!(row.get::<_, i64>(10), -9_000_000_000);
    assert_eq!(row.columns()[1].type_(), &Type::TIMESTAMPTZ);
    assert_eq!(row.columns()[2].type_(), &Type::NUMERIC);
    let text = simple_row(&client, "SELECT u, ts, n, b, flag, d, big FROM wt").await;
    let want = ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "2024-01-02 03:04:05.123456+00", "12345.678", "\\x00ff10", "t", "2024-01-02", "-9000000000"];
    assert_eq!(text, want.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>());
}

/// A one-dimensional binary array of `elem_oid` holding these binary elements.
fn binary_array(elem_oid: u32, items: &[&[u8]]) -> Vec<u8> {
    let mut out: Vec<u8> = [1i32, 0].iter().flat_map(|v| v.to_be_bytes()).collect();
    out.extend_from_slice(&elem_oid.to_be_bytes());
    out.extend_from_slice(&(items.len() as i32).to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes());
    for item in items {
        out.extend_from_slice(&(item.len() as i32).to_be_bytes());
        out.extend_from_slice(item);
    }
    out
}

/// One frontend message: tag, length, body.
fn message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Bind of the unnamed statement with one binary parameter and binary results.
fn bind_binary(param: &[u8]) -> Vec<u8> {
    let mut body = b"\0\0".to_vec();
    [1i16, 1, 1].iter().for_each(|v| body.extend_from_slice(&v.to_be_bytes()));
    body.extend_from_slice(&(param.len() as i32).to_be_bytes());
    body.extend_from_slice(param);
    [1i16, 1].iter().for_each(|v| body.extend_from_slice(&v.to_be_bytes()));
    message(b'B', &body)
}

/// The fields of a DataRow, or the type OIDs of a RowDescription / ParameterDescription.
fn data_row(body: &[u8]) -> Vec<Vec<u8>> {
    let (mut at, mut fields) = (2, Vec::new());
    while at < body.len() {
        let len = i32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
        fields.push(body[at + 4..at + 4 + len].to_vec());
        at += 4 + len;
    }
    fields
}

fn row_description_oids(body: &[u8]) -> Vec<u32> {
    let (mut at, mut oids) = (2, Vec::new());
    while at < body.len() {
        at += body[at..].iter().position(|&b| b == 0).unwrap() + 1 + 6;
        oids.push(u32::from_be_bytes(body[at..at + 4].try_into().unwrap()));
        at += 12;
    }
    oids
}

/// An enum column and an array of it read back in text and binary, over the raw extended
/// protocol (ParameterDescription and RowDescription carry the enum's and its array type's
/// OIDs, a binary enum is its label's bytes, an unknown label is 22P02) and through
/// tokio-postgres, which introspects the types through the catalog.
async fn enum_columns(io: &str) {
    let server = Server::start(io, &[]);
    let client = connect(&server.conn_str()).await.unwrap();
    client
        .batch_execute(
            "CREATE TYPE wt_mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE we (id int PRIMARY KEY, m wt_mood, h wt_mood[]);
             INSERT INTO we VALUES (1, 'happy', '{sad,ok}'), (2, 'sad', '{}')",
        )
        .await
        .unwrap();
    assert_eq!(
        simple_row(&client, "SELECT m, h, m > 'ok' FROM we WHERE id = 1").await,
        [Some("happy".into()), Some("{sad,ok}".into()), Some("t".into())]
    );
    let oids = simple_row(&client, "SELECT oid, typarray FROM pg_type WHERE typname = 'wt_mood'").await;
    let [mood, moods]: [u32; 2] = oids.iter().map(|o| o.as_deref().unwrap().parse().unwrap()).collect::<Vec<_>>().try_into().unwrap();
    let mut stream = raw_session(server.port);
    let mut out = message(b'P', b"\0SELECT m, h FROM we WHERE m = $1\0\0\0");
    out.extend(message(b'D', b"S\0"));
    out.extend(bind_binary(b"happy"));
    out.extend(message(b'E', b"\0\0\0\0\0"));
    out.extend(message(b'S', b""));
    stream.write_all(&out).unwrap();
    let replies = read_until(&mut stream, b'Z');
    let body = |tag: u8| replies.iter().find(|(t, _)| *t == tag).map(|(_, b)| b.clone()).unwrap_or_else(|| panic!("no {}: {replies:?}", tag as char));
    assert_eq!(body(b't'), [&[0u8, 1][..], &mood.to_be_bytes()].concat());
    assert_eq!(row_description_oids(&body(b'T')), [mood, moods]);
    assert_eq!(data_row(&body(b'D')), [b"happy".to_vec(), binary_array(mood, &[b"sad", b"ok"])]);
    stream.write_all(&[bind_binary(b"angry"), message(b'E', b"\0\0\0\0\0"), message(b'S', b"")].concat()).unwrap();
    let replies = read_until(&mut stream, b'Z');
    let error = replies.iter().find(|(t, _)| *t == b'E').map(|(_, b)| String::from_utf8_lossy(b).into_owned()).expect("an error");
    assert!(error.contains("C22P02") && error.contains("invalid input value for enum wt_mood: \"angry\""), "{error}");
    // A client may name the enum's OID as a parameter type in Parse.
    let parse = [&b"\0SELECT count(*) FROM we WHERE m > $1\0"[..], &1i16.to_be_bytes(), &mood.to_be_bytes()].concat();
    stream.write_all(&[message(b'P', &parse), bind_binary(b"sad"), message(b'E', b"\0\0\0\0\0"), message(b'S', b"")].concat()).unwrap();
    let replies = read_until(&mut stream, b'Z');
    let row = replies.iter().find(|(t, _)| *t == b'D').map(|(_, b)| data_row(b)).unwrap_or_else(|| panic!("no row: {replies:?}"));
    assert_eq!(row, [1i64.to_be_bytes().to_vec()]);
    // tokio-postgres introspects the enum and its array type through pg_type ("char" typtype)
    // and pg_enum, then reads and writes them in binary.
    let insert = client.prepare("INSERT INTO we VALUES ($1, $2, $3)").await.unwrap();
    let ty = insert.params()[1].clone();
    assert_eq!((ty.name(), ty.oid(), ty.kind()), ("wt_mood", mood, &postgres_types::Kind::Enum(vec!["sad".into(), "ok".into(), "happy".into()])));
    assert_eq!((insert.params()[2].oid(), insert.params()[2].kind()), (moods, &postgres_types::Kind::Array(ty)));
    client.execute(&insert, &[&3i32, &Raw(b"ok".to_vec()), &Raw(binary_array(mood, &[b"happy"]))]).await.unwrap();
    let row = client.query_one("SELECT m, h FROM we WHERE id = 3", &[]).await.unwrap();
    assert_eq!((row.get::<_, Raw>(0), row.get::<_, Raw>(1)), (Raw(b"ok".to_vec()), Raw(binary_array(mood, &[b"happy"]))));
}

async fn simple_protocol(io: &str) {
    let server = Server::start(io, &[]);
    let client = connect(&server.conn_str()).await.unwrap();
    let messages = client
        .simple_query("CREATE TABLE s (id int PRIMARY KEY, name text); INSERT INTO s VALUES (1, 'a'), (2, NULL); SELECT id, name FROM s ORDER BY id")
        .await
        .unwrap();
    let completes: Vec<u64> = messages.iter().filter_map(|m| if let SimpleQueryMessage::CommandComplete(n) = m { Some(*n) } else { None }).collect();
    assert_eq!(completes, [0, 2, 2]);
    let rows: Vec<(Option<String>, Option<String>)> = messages
        .iter()
        .filter_map(|m| if let SimpleQueryMessage::Row(r) = m { Some((r.get(0).map(Into::into), r.get(1).map(Into::into))) } else { None })
        .collect();
    assert_eq!(rows, [(Some("1".into()), Some("a".into())), (Some("2".into()), None)]);
    // An error aborts the rest of the string; the connection stays usable.
    let e = client.simple_query("SELECT 1; SELECT * FROM missing; INSERT INTO s VALUES (3, 'c')").await.unwrap_err();
    assert_eq!(code(&e), Some(&SqlState::UNDEFINED_TABLE));
    assert_eq!(simple_row(&client, "SELECT count(*) FROM s").await, [Some("2".to_string())]);
    // An empty query string: EmptyQueryResponse, then ReadyForQuery.
    let mut raw = raw_session(server.port);
    raw.write_all(b"Q\0\0\0\x05\0").unwrap();
    let types: Vec<u8> = read_until(&mut raw, b'Z').iter().map(|m| m.0).collect();
    assert_eq!(types, b"IZ");
}

async fn extended_errors_and_portals(io: &str) {
    let server = Server::start(io, &[]);
    let mut client = connect(&server.conn_str()).await.unwrap();
    client.batch_execute("CREATE TABLE p (id int PRIMARY KEY, v text)").await.unwrap();
    let insert = client.prepare("INSERT INTO p VALUES ($1, $2)").await.unwrap();
    assert_eq!(insert.params(), &[Type::INT4, Type::TEXT]);
    for i in 0..5 {
        client.execute(&insert, &[&i, &format!("v{i}")]).await.unwrap();
    }
    let e = client.execute(&insert, &[&1i32, &"dup"]).await.unwrap_err();
    assert_eq!(code(&e), Some(&SqlState::UNIQUE_VIOLATION));
    let e = client.prepare("SELEC 1").await.unwrap_err();
    assert_eq!(code(&e), Some(&SqlState::SYNTAX_ERROR));
    let e = client.query("SELECT nope FROM p", &[]).await.unwrap_err();
    assert_eq!(code(&e), Some(&SqlState::UNDEFINED_COLUMN));
    // Row limits: a portal fetched two rows at a time.
    let tx = client.transaction().await.unwrap();
    let portal = tx.bind("SELECT id FROM p ORDER BY id", &[]).await.unwrap();
    let mut got = Vec::new();
    loop {
        let rows = tx.query_portal(&portal, 2).await.unwrap();
        if rows.is_empty() {
            break;
        }
        got.extend(rows.iter().map(|r| r.get::<_, i32>(0)));
    }
    assert_eq!(got, [0, 1, 2, 3, 4]);
    tx.commit().await.unwrap();
    let v: String = client.query_one("SELECT v FROM p WHERE id = $1", &[&3i32]).await.unwrap().get(0);
    assert_eq!(v, "v3");
}

/// Reads backend messages until one of type `until` (inclusive); returns their types.
fn read_until(stream: &mut TcpStream, until: u8) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    loop {
        let mut head = [0u8; 5];
        if stream.read_exact(&mut head).is_err() {
            return out;
        }
        let len = u32::from_be_bytes(head[1..5].try_into().unwrap()) as usize;
        let mut body = vec![0; len - 4];
        stream.read_exact(&mut body).unwrap();
        out.push((head[0], body));
        if head[0] == until {
            return out;
        }
    }
}

fn raw_session(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let body = b"\0\x03\0\0user\0postgres\0\0";
    let mut startup = ((body.len() + 4) as u32).to_be_bytes().to_vec();
    startup.extend_from_slice(body);
    stream.write_all(&startup).unwrap();
    let messages = read_until(&mut stream, b'Z');
    assert_eq!(messages.last().unwrap().0, b'Z');
    stream
}

fn assert_fatal_08p01_then_eof(stream: &mut TcpStream, bad: &[u8]) {
    stream.write_all(bad).unwrap();
    let messages = read_until(stream, b'E');
    let (tag, body) = messages.last().expect("an ErrorResponse");
    assert_eq!(*tag, b'E');
    let body = String::from_utf8_lossy(body);
    assert!(body.contains("SFATAL") && body.contains("C08P01"), "{body}");
    let mut rest = Vec::new();
    assert_eq!(stream.read_to_end(&mut rest).unwrap(), 0, "connection closed");
}

async fn malformed_messages(io: &str) {
    let server = Server::start(io, &[]);
    assert_fatal_08p01_then_eof(&mut raw_session(server.port), b"Q\0\0\0\x02");
    assert_fatal_08p01_then_eof(&mut raw_session(server.port), b"Q\x7f\xff\xff\xff");
    assert_fatal_08p01_then_eof(&mut raw_session(server.port), b"x\0\0\0\x04");
    assert_fatal_08p01_then_eof(&mut raw_session(server.port), b"B\0\0\0\x06\0\0");
    // SSLRequest is refused with 'N' and the startup continues on the same socket.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.write_all(&[0, 0, 0, 8, 4, 210, 22, 47]).unwrap();
    let mut answer = [0u8; 1];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"N");
    // Everyone else is still served.
    let client = connect(&server.conn_str()).await.unwrap();
    assert_eq!(simple_row(&client, "SELECT 1").await, [Some("1".to_string())]);
}

fn psql(port: u16, password: Option<&str>, sql: &str) -> std::process::Output {
    let mut cmd = std::process::Command::new("psql");
    cmd.args(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres", "-d", "postgres", "-c", sql]);
    cmd.env_remove("PGPASSWORD");
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    cmd.output().expect("run psql")
}

async fn psql_client(io: &str) {
    let server = Server::start(io, &[]);
    let out = psql(
        server.port,
        None,
        "CREATE TABLE q (id int PRIMARY KEY, name text); INSERT INTO q VALUES (1, 'x'), (2, 'y'); SELECT id, name FROM q ORDER BY id;",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "CREATE TABLE\nINSERT 0 2\n1|x\n2|y\n");
    let out = psql(server.port, None, "SELECT * FROM nothing_here");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("relation \"nothing_here\" does not exist"));
}

/// The authentication request a fresh connection gets first (3 cleartext, 5 md5, 10 SASL).
fn first_auth_request(port: u16) -> i32 {
    let mut startup = vec![0, 3, 0, 0];
    startup.extend_from_slice(b"user\0postgres\0\0");
    let mut packet = ((startup.len() + 4) as u32).to_be_bytes().to_vec();
    packet.extend(startup);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(&packet).unwrap();
    let mut head = [0u8; 9];
    stream.read_exact(&mut head).unwrap();
    assert_eq!(head[0], b'R', "expected an authentication request: {head:?}");
    i32::from_be_bytes(head[5..9].try_into().unwrap())
}

async fn password_auth(io: &str) {
    for (method, request) in [("scram-sha-256", 10), ("md5", 5), ("password", 3)] {
        password_auth_with(io, method, request).await;
    }
}

async fn password_auth_with(io: &str, method: &str, request: i32) {
    let server = Server::start(io, &["--password", "s3cret", "--auth", method]);
    assert_eq!(first_auth_request(server.port), request, "{method}");
    let ok = connect(&format!("{} password=s3cret", server.conn_str())).await.unwrap();
    assert_eq!(simple_row(&ok, "SELECT 1").await, [Some("1".to_string())]);
    let e = connect(&format!("{} password=wrong", server.conn_str())).await.err().unwrap();
    assert_eq!(code(&e), Some(&SqlState::INVALID_PASSWORD));
    assert_eq!(e.as_db_error().unwrap().message(), "password authentication failed for user \"postgres\"");
    let out = psql(server.port, Some("s3cret"), "SELECT 42 AS answer");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "{}", String::from_utf8_lossy(&out.stderr));
    let out = psql(server.port, Some("nope"), "SELECT 42");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password authentication failed"));
}

async fn cancel_request(io: &str) {
    let server = Server::start(io, &[]);
    let client = connect(&server.conn_str()).await.unwrap();
    let values: Vec<String> = (0..1000).map(|i| format!("({i})")).collect();
    client.batch_execute(&format!("CREATE TABLE c (id int PRIMARY KEY); INSERT INTO c VALUES {}", values.join(","))).await.unwrap();
    let token = client.cancel_token();
    // A cancel that arrives before the statement starts is ignored (as in PostgreSQL), so
    // keep cancelling until the query returns.
    let canceller = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            token.cancel_query(NoTls).await.unwrap();
        }
    });
    let started = std::time::Instant::now();
    // 2000 scans of 1000 rows: far longer than the test waits unless the cancel lands.
    let result = client.simple_query(&"SELECT count(*) FROM c WHERE id % 7 = 3;".repeat(2000)).await;
    canceller.abort();
    let e = result.expect_err("the query was cancelled");
    assert_eq!(code(&e), Some(&SqlState::QUERY_CANCELED), "{:?}", e.as_db_error());
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    assert_eq!(simple_row(&client, "SELECT 2").await, [Some("2".to_string())]);
}

async fn connection_limit(io: &str) {
    let server = Server::start(io, &["--max-connections", "1"]);
    let first = connect(&server.conn_str()).await.unwrap();
    let e = connect(&server.conn_str()).await.err().unwrap();
    assert_eq!(code(&e), Some(&SqlState::TOO_MANY_CONNECTIONS), "{e}");
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    connect(&server.conn_str()).await.unwrap();
}

async fn graceful_shutdown(io: &str) {
    let mut server = Server::start(io, &[]);
    let client = connect(&server.conn_str()).await.unwrap();
    client
        .batch_execute(
            "CREATE TABLE g (id int PRIMARY KEY, v text); INSERT INTO g VALUES (1, 'a'), (2, 'b'), (3, 'c'); UPDATE g SET v = 'z' WHERE id = 2",
        )
        .await
        .unwrap();
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let text = std::fs::read_to_string(server.data.join("g.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "compacted to one line per row: {text}");
    assert_eq!(lines[1], serde_json::json!({"id": 2, "v": "z"}));
    // The idle client was told why.
    let e = client.simple_query("SELECT 1").await.unwrap_err();
    assert!(e.is_closed() || code(&e) == Some(&SqlState::ADMIN_SHUTDOWN), "{e}");
}

/// RowDescription names the stored table and column an output shows unchanged, as
/// PostgreSQL's does (through joins, subqueries, GROUP BY and RETURNING; computed outputs and
/// UNIONs name none), and the table OID is the one pg_class lists.
#[tokio::test]
async fn row_description_names_source_columns_as_postgresql_does() {
    let pg = PgCluster::start();
    let server = Server::start("tokio", &[]);
    let queries = [
        "SELECT * FROM ro_a",
        "SELECT name, id, n + 1 AS m, 'x' AS lit, id AS again FROM ro_a WHERE id = $1",
        "SELECT a.name, b.note, b.a_id FROM ro_a a LEFT JOIN ro_b b ON b.a_id = a.id",
        "SELECT x, y FROM (SELECT id AS x, n * 2 AS y FROM ro_a) s",
        "WITH c AS (SELECT note, a_id FROM ro_b) SELECT a_id, note FROM c",
        "SELECT name, count(*) FROM ro_a GROUP BY name",
        "SELECT id FROM ro_a UNION SELECT a_id FROM ro_b",
        "INSERT INTO ro_b VALUES (1, 'z') RETURNING note, a_id + 0 AS k, a_id",
        "UPDATE ro_a SET n = 0 WHERE id = 7 RETURNING *",
    ];
    let mut seen = Vec::new();
    for conn_str in [pg.conn_str("postgres"), server.conn_str()] {
        let client = connect(&conn_str).await.unwrap();
        client.batch_execute("CREATE TABLE ro_a (id int PRIMARY KEY, name text, n int); CREATE TABLE ro_b (a_id int, note text)").await.unwrap();
        let mut described = Vec::new();
        for sql in queries {
            let statement = client.prepare(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            let mut columns = Vec::new();
            for c in statement.columns() {
                let table = match c.table_oid() {
                    Some(oid) => client.query_one("SELECT relname::text FROM pg_class WHERE oid = $1", &[&oid]).await.unwrap().get::<_, String>(0),
                    None => String::new(),
                };
                columns.push(format!("{}={table}.{}", c.name(), c.column_id().unwrap_or(0)));
            }
            described.push((sql, columns));
        }
        seen.push(described);
    }
    assert_eq!(seen[1], seen[0], "SmarterBase (left) against PostgreSQL (right)");
    assert_eq!(seen[0][1].1, ["name=ro_a.2", "id=ro_a.1", "m=.0", "lit=.0", "again=ro_a.1"], "the test sees real origins");
}

macro_rules! backend_tests {
    ($module:ident, $io:literal) => {
        mod $module {
            #[tokio::test]
            async fn types_round_trip() {
                super::types_round_trip($io).await
            }
            #[tokio::test]
            async fn enum_columns() {
                super::enum_columns($io).await
            }
            #[tokio::test]
            async fn simple_protocol() {
                super::simple_protocol($io).await
            }
            #[tokio::test]
            async fn extended_errors_and_portals() {
                super::extended_errors_and_portals($io).await
            }
            #[tokio::test]
            async fn malformed_messages() {
                super::malformed_messages($io).await
            }
            #[tokio::test]
            async fn psql_client() {
                super::psql_client($io).await
            }
            #[tokio::test]
            async fn password_auth() {
                super::password_auth($io).await
            }
            #[tokio::test]
            async fn cancel_request() {
                super::cancel_request($io).await
            }
            #[tokio::test]
            async fn connection_limit() {
                super::connection_limit($io).await
            }
            #[tokio::test]
            async fn graceful_shutdown() {
                super::graceful_shutdown($io).await
            }
        }
    };
}

backend_tests!(tokio_io, "tokio");
#[cfg(all(feature = "io-uring", target_os = "linux"))]
backend_tests!(uring_io, "uring");
