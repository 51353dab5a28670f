-- A full scan with a filter on an unindexed column (about nrows/73 rows match).
SELECT * FROM bench_users WHERE age > 89;
