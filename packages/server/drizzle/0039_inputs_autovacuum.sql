-- The compute's bulk reads walk actual_values_unique and ratings_unique index-only (0037) while few of
-- the tables' pages changed since their last vacuum, and fall back to a slower hashed scan otherwise
-- (results/inputs.ts). By default autovacuum waits for 20% of a table's rows to change: a late batch of
-- ratings for 1% of the plans touches over half the pages of ratings and would leave every compute on
-- the fallback until then. Vacuum these two tables after 1% of their rows changed or were inserted.
ALTER TABLE "actual_values" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);--> statement-breakpoint
ALTER TABLE "ratings" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
