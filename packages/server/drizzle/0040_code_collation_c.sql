-- Values imports (issue 16): most of the database's time for a values import goes to actual_values_unique,
-- whose key compares indicator codes and periods under the database's collation: strcoll per comparison,
-- slower still under en_US.UTF-8 or zh_CN.UTF-8 than under C.UTF-8, which PostgreSQL does not treat as C
-- either. Codes, periods and subject types are ASCII identifiers ('A1.2', '2025-Q3', 'service_recipient'),
-- so the key columns of actual_values_unique and ratings_unique compare bytes ("C"), declared on the
-- columns so that the indexes, the ON CONFLICT arbiter, point look-ups (`indicator_code = $1`) and ORDER BY
-- all use the one collation and the indexes serve them all. Lists ordered by code (values of a plan, the
-- open data bundle's values, calibration candidates) follow byte order, the same on every server and the
-- order JavaScript's `<` gives (the bundle's panels): unchanged where the database is C or C.UTF-8.
-- No table is rewritten (the type stays text); the two indexes are rebuilt, with their INCLUDE (0037).
-- drizzle cannot declare a column's collation: src/db/schema.ts says so at the columns.
ALTER TABLE "actual_values" ALTER COLUMN "indicator_code" SET DATA TYPE text COLLATE "C", ALTER COLUMN "period" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "ratings" ALTER COLUMN "indicator_code" SET DATA TYPE text COLLATE "C", ALTER COLUMN "subject_type" SET DATA TYPE text COLLATE "C";
