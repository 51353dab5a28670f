//! Hand edits are first-class: a running server sees a table file or schema file changed behind
//! its back before the next statement; a broken line is reported with file, line and column,
//! the other tables keep working, nothing is overwritten, and fixing the file heals the table.

mod support;

use std::fs;
use support::server::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_server_sees_hand_edits_and_reports_broken_lines() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start_in("auto", &[], &data);
    let (client, connection) = tokio_postgres::connect(&server.conn_str(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE TABLE notes (id integer PRIMARY KEY, body text);
             CREATE TABLE other (id integer PRIMARY KEY);
             INSERT INTO notes VALUES (1, 'one'), (2, 'two');
             INSERT INTO other VALUES (7);",
        )
        .await
        .unwrap();
    let table = data.join("notes.jsonl");
    // Wait until the writes reached the file in canonical form (compaction runs within ~1 s).
    let canonical = "{\"id\":1,\"body\":\"one\"}\n{\"id\":2,\"body\":\"two\"}\n";
    wait_for(|| fs::read_to_string(&table).map(|t| t == canonical).unwrap_or(false));

    // An editor changes a row and appends one.
    fs::write(&table, "{\"id\":1,\"body\":\"edited\"}\n{\"id\":2,\"body\":\"two\"}\n{\"id\":3,\"body\":\"added by hand\"}\n").unwrap();
    let rows = client.query("SELECT id, body FROM notes ORDER BY id", &[]).await.unwrap();
    let got: Vec<(i32, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(got, vec![(1, "edited".into()), (2, "two".into()), (3, "added by hand".into())]);
    let one = client.query_one("SELECT body FROM notes WHERE id = 3", &[]).await.unwrap();
    assert_eq!(one.get::<_, String>(0), "added by hand");

    // A broken line: a clear error naming file and line; the other table keeps working.
    let broken = "{\"id\":1,\"body\":\"edited\"}\n{\"id\":2,\"body\":\n";
    fs::write(&table, broken).unwrap();
    let err = client.query("SELECT * FROM notes", &[]).await.unwrap_err();
    let msg = err.as_db_error().map(|e| e.message().to_string()).unwrap_or_default();
    assert!(msg.contains("notes.jsonl") && msg.contains("line 2"), "error should name file and line: {msg}");
    let other = client.query_one("SELECT id FROM other", &[]).await.unwrap();
    assert_eq!(other.get::<_, i32>(0), 7);
    assert!(client.execute("INSERT INTO notes VALUES (9, 'x')", &[]).await.is_err(), "writes to a broken table must fail");
    assert_eq!(fs::read_to_string(&table).unwrap(), broken, "a broken file must not be overwritten");

    // Fixing the file heals the table.
    fs::write(&table, "{\"id\":1,\"body\":\"fixed\"}\n").unwrap();
    let fixed = client.query_one("SELECT body FROM notes WHERE id = 1", &[]).await.unwrap();
    assert_eq!(fixed.get::<_, String>(0), "fixed");

    // Right after the server's own write, an in-place rewrite of the same length (same inode,
    // same size, as some editors save) and an append with `>>` are both seen. The rewrite
    // changes a key, which only a reload can know.
    client.execute("INSERT INTO notes VALUES (4, 'four')", &[]).await.unwrap();
    let text = fs::read_to_string(&table).unwrap();
    let at = text.find("{\"id\":4,").unwrap() as u64;
    std::os::unix::fs::FileExt::write_all_at(&fs::OpenOptions::new().write(true).open(&table).unwrap(), b"{\"id\":7,", at).unwrap();
    let moved = client.query_one("SELECT body FROM notes WHERE id = 7", &[]).await.unwrap();
    assert_eq!(moved.get::<_, String>(0), "four");
    assert!(client.query_opt("SELECT body FROM notes WHERE id = 4", &[]).await.unwrap().is_none());
    client.execute("INSERT INTO notes VALUES (5, 'five')", &[]).await.unwrap();
    std::io::Write::write_all(&mut fs::OpenOptions::new().append(true).open(&table).unwrap(), b"{\"id\":6,\"body\":\"appended\"}\n").unwrap();
    let ids: Vec<i32> = client.query("SELECT id FROM notes ORDER BY id", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(ids, vec![1, 5, 6, 7]);

    // A column added to the schema file by hand reads as NULL for existing rows.
    let schema_path = data.join("_schema").join("notes.json");
    let mut schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    schema["columns"].as_array_mut().unwrap().push(serde_json::json!({"name": "tag", "type": "text"}));
    fs::write(&schema_path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
    let row = client.query_one("SELECT body, tag FROM notes WHERE id = 1", &[]).await.unwrap();
    assert_eq!(row.get::<_, Option<String>>(1), None);
    drop(client);
    assert!(server.terminate().success(), "smarterbase did not shut down cleanly");
}

fn wait_for(cond: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !cond() {
        assert!(std::time::Instant::now() < deadline, "condition not reached in 10 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
