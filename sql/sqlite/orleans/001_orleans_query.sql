-- 001_orleans_query: the table the Orleans ADO.NET providers read their named queries from at start.
-- Orleans ships no SQLite scripts in its packages, so Haunt owns these. One row per query key; the
-- provider names any key it misses ("Not all required queries found").
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
