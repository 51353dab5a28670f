-- A durable single-row INSERT into the table with four indexes. Simple protocol only: pgbench
-- substitutes :k inside string literals only in -M simple. n >= 10^9 never meets loaded rows.
\set c :c + 1
\set k 1000000000 + :client_id * 10000000 + :c
INSERT INTO bench_users (id, email, name, role, age, created_at, n) VALUES ('ffffffff-ffff-7fff-bfff-00:k', 'bench.:k@insert.example.com', 'Bench Insert', 'guest', 42, '2026-01-01T00.00.00.000Z', :k);
