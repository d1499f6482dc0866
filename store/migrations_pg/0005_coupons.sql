-- 0005 (PostgreSQL): in 0001, which creates the schema of SQLite
-- migrations 0001–0011 at once; this step only keeps the version numbers
-- of the two engines in step.
SELECT 1;
