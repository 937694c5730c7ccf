CREATE TABLE "linkage_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"filename" text NOT NULL,
	"sha256" text NOT NULL,
	"rows" integer NOT NULL,
	"created" integer NOT NULL,
	"updated" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"imported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "linkage_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"period" text NOT NULL,
	"items" jsonb NOT NULL,
	"skipped" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "linkage_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"indicator_code" text NOT NULL,
	"kind" text NOT NULL,
	"doc_title" text NOT NULL,
	"doc_number" text NOT NULL,
	"doc_date" date NOT NULL,
	"description" text NOT NULL,
	"points" double precision NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"withdrawn_reason" text,
	"withdrawn_by" uuid,
	"withdrawn_at" timestamp with time zone,
	"file_name" text,
	"file_mime" text,
	"file_size" integer,
	"file_sha256" text,
	"file_content" "bytea",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "linkage_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"indicator_code" text NOT NULL,
	"metric" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "linkage_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"org_unit_id" uuid NOT NULL,
	"request_type" text,
	"category" text,
	"channel" text,
	"received_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"deadline" date,
	"closed_at" timestamp with time zone,
	"on_time" boolean,
	"resolution" text,
	"satisfaction" text,
	"upheld" boolean,
	"rectified" boolean,
	"first_batch_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "linkage_batches" ADD CONSTRAINT "linkage_batches_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_feeds" ADD CONSTRAINT "linkage_feeds_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_feeds" ADD CONSTRAINT "linkage_feeds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_findings" ADD CONSTRAINT "linkage_findings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_findings" ADD CONSTRAINT "linkage_findings_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_findings" ADD CONSTRAINT "linkage_findings_withdrawn_by_users_id_fk" FOREIGN KEY ("withdrawn_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_findings" ADD CONSTRAINT "linkage_findings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_mappings" ADD CONSTRAINT "linkage_mappings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_mappings" ADD CONSTRAINT "linkage_mappings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_records" ADD CONSTRAINT "linkage_records_org_unit_id_org_units_id_fk" FOREIGN KEY ("org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_records" ADD CONSTRAINT "linkage_records_first_batch_id_linkage_batches_id_fk" FOREIGN KEY ("first_batch_id") REFERENCES "public"."linkage_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linkage_records" ADD CONSTRAINT "linkage_records_batch_id_linkage_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."linkage_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "linkage_feeds_cycle" ON "linkage_feeds" USING btree ("cycle_id");--> statement-breakpoint
CREATE INDEX "linkage_findings_plan" ON "linkage_findings" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "linkage_findings_cycle" ON "linkage_findings" USING btree ("cycle_id");--> statement-breakpoint
CREATE UNIQUE INDEX "linkage_mappings_cycle_code" ON "linkage_mappings" USING btree ("cycle_id","indicator_code");--> statement-breakpoint
CREATE UNIQUE INDEX "linkage_records_source_id" ON "linkage_records" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "linkage_records_unit" ON "linkage_records" USING btree ("org_unit_id","received_at");--> statement-breakpoint
CREATE TRIGGER "linkage_findings_ins_inputs" AFTER INSERT ON "linkage_findings" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();--> statement-breakpoint
CREATE TRIGGER "linkage_findings_upd_inputs" AFTER UPDATE ON "linkage_findings" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_plan_input_versions();
