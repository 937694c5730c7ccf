CREATE TABLE "result_inputs" (
	"plan_id" uuid PRIMARY KEY NOT NULL,
	"inputs_key" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "result_inputs" ADD CONSTRAINT "result_inputs_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;