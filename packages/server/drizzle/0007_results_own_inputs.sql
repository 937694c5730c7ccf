CREATE TABLE "plan_input_versions" (
	"plan_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "own" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ALTER COLUMN "own" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "inputs_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ALTER COLUMN "inputs_key" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "plan_input_versions" ADD CONSTRAINT "plan_input_versions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every statement that writes actual values or ratings bumps the counter of each plan it touched,
-- whoever runs it (services, imports, SQL behind the platform). Statement triggers with transition
-- tables: one upsert per statement, not per row. Rows of a plan being deleted are skipped.
CREATE FUNCTION "bump_plan_input_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO plan_input_versions AS v (plan_id, version)
  SELECT DISTINCT c.plan_id, 1 FROM changed c WHERE EXISTS (SELECT 1 FROM plans p WHERE p.id = c.plan_id)
  ON CONFLICT (plan_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "actual_values_ins_inputs" AFTER INSERT ON "actual_values" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "actual_values_upd_inputs" AFTER UPDATE ON "actual_values" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "actual_values_del_inputs" AFTER DELETE ON "actual_values" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "ratings_ins_inputs" AFTER INSERT ON "ratings" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "ratings_upd_inputs" AFTER UPDATE ON "ratings" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "ratings_del_inputs" AFTER DELETE ON "ratings" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();
