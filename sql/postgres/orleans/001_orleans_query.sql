-- 001_orleans_query: the table the Orleans ADO.NET providers read their named queries from at start.
-- Haunt owns its scripts (Orleans ships none in its packages); one row per query key, replaced on every start
-- so a changed query takes effect on the next deploy.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);
