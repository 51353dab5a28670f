-- The ten newest rows of one role: role index (or primary key order) plus a LIMIT.
SELECT * FROM bench_users WHERE role = 'admin' ORDER BY id DESC LIMIT 10;
