CREATE TABLE "calibration_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"rater_id" uuid NOT NULL,
	"score" double precision NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calibration_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"title_en" text,
	"indicator_name" text NOT NULL,
	"indicator_name_en" text,
	"description" text NOT NULL,
	"description_en" text,
	"rubric" jsonb NOT NULL,
	"panel_scores" jsonb NOT NULL,
	"source" text NOT NULL,
	"source_plan_id" uuid,
	"source_indicator_code" text,
	"source_subject_type" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calibration_answers" ADD CONSTRAINT "calibration_answers_case_id_calibration_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."calibration_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_answers" ADD CONSTRAINT "calibration_answers_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_answers" ADD CONSTRAINT "calibration_answers_rater_id_users_id_fk" FOREIGN KEY ("rater_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_cases" ADD CONSTRAINT "calibration_cases_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_cases" ADD CONSTRAINT "calibration_cases_source_plan_id_plans_id_fk" FOREIGN KEY ("source_plan_id") REFERENCES "public"."plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_cases" ADD CONSTRAINT "calibration_cases_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calibration_answers_unique" ON "calibration_answers" USING btree ("case_id","rater_id");--> statement-breakpoint
CREATE INDEX "calibration_answers_cycle" ON "calibration_answers" USING btree ("cycle_id","rater_id");--> statement-breakpoint
CREATE INDEX "calibration_cases_cycle" ON "calibration_cases" USING btree ("cycle_id","position");