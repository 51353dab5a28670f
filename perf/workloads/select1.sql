-- The protocol floor: the cheapest statement a server can answer.
SELECT 1;
