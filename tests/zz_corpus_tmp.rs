use smarterbase::exec::{Engine, Session};
use smarterbase::storage::Store;
use std::sync::Arc;
#[test]
fn corpus() {
    let filter = std::env::var("CORPUS").unwrap_or_default();
    for f in std::fs::read_dir("/work/shared/compat/corpus").unwrap() {
        let f = f.unwrap().path();
        if !f.to_string_lossy().contains(&filter) { continue; }
        let dir = tempfile::tempdir().unwrap();
        let engine = Arc::new(Engine { store: Store::open(dir.path()).unwrap() });
        let mut s = Session::new(engine, &[("user".into(), "postgres".into())]);
        let text = std::fs::read_to_string(&f).unwrap();
        let (mut ok, mut bad) = (0, 0);
        for stmt in text.split("\n-- next\n") {
            for r in s.execute_simple(stmt) {
                match r {
                    Ok(r) => { ok += 1; if let Some(d) = r.durable { d.wait_blocking().unwrap(); } }
                    Err(e) => { bad += 1; if e.code != "25P02" { println!("  {}: {} [{}] <- {}", f.file_name().unwrap().to_string_lossy(), e.message, e.code, stmt.replace('\n', " ").chars().take(150).collect::<String>()); } }
                }
            }
        }
        println!("{}: ok {ok} err {bad}", f.display());
    }
}
