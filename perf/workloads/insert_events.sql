-- A durable single-row INSERT (prepared); keys are unique per client and transaction.
\set c :c + 1
\set k :client_id * 1000000000000 + :c
INSERT INTO bench_events (id, payload) VALUES (:k, '{"kind":"click","path":"/app/dashboard","ua":"Mozilla/5.0 (X11; Linux x86_64)","v":1}');
