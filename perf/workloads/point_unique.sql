-- Point lookup through the integer UNIQUE column n (0 .. nrows-1).
\set k random(0, :nrows - 1)
SELECT * FROM bench_users WHERE n = :k;
