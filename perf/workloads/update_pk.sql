-- A durable single-row UPDATE by unique key, autocommit.
\set k random(0, :nrows - 1)
\set a random(18, 90)
UPDATE bench_users SET age = :a WHERE n = :k;
