-- The compute's bulk reads of values and ratings (results/inputs.ts, startPackedReads) walk these
-- unique indexes in plan order: with the value and status, the score and weight carried in the
-- index (INCLUDE, not part of the key: uniqueness is unchanged), the scan is index-only and each
-- plan's aggregate is handed out as soon as its rows are read, so the compute scores plans while
-- the database reads the next ones (a hash aggregate over the table handed out nothing until the
-- whole table was read). The schema (src/db/schema.ts) declares the key columns; drizzle cannot
-- declare INCLUDE.
DROP INDEX "actual_values_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "actual_values_unique" ON "actual_values" USING btree ("plan_id","indicator_code","period") INCLUDE ("value","status");--> statement-breakpoint
DROP INDEX "ratings_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_unique" ON "ratings" USING btree ("plan_id","indicator_code","subject_type","rater_id") INCLUDE ("score","weight");
