CREATE TABLE "indicator_library" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"category" text NOT NULL,
	"measure" text NOT NULL,
	"definition" text NOT NULL,
	"definition_en" text,
	"unit" text,
	"formula" text,
	"data_source" text,
	"owner_org_unit_id" uuid,
	"polarity" text NOT NULL,
	"frequency" text NOT NULL,
	"weight_min" double precision NOT NULL,
	"weight_max" double precision NOT NULL,
	"rule_template" jsonb,
	"mission" text NOT NULL,
	"rubric" jsonb,
	"change_note" text,
	"retired_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "indicator_nodes" ADD COLUMN "library_code" text;--> statement-breakpoint
ALTER TABLE "indicator_nodes" ADD COLUMN "library_version" integer;--> statement-breakpoint
ALTER TABLE "indicator_nodes" ADD COLUMN "rubric" jsonb;--> statement-breakpoint
ALTER TABLE "indicator_library" ADD CONSTRAINT "indicator_library_owner_org_unit_id_org_units_id_fk" FOREIGN KEY ("owner_org_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_library" ADD CONSTRAINT "indicator_library_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_library_code_version" ON "indicator_library" USING btree ("code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_library_current" ON "indicator_library" USING btree ("code") WHERE status <> 'superseded';--> statement-breakpoint
CREATE INDEX "indicator_library_category" ON "indicator_library" USING btree ("category");--> statement-breakpoint
CREATE INDEX "indicator_nodes_library" ON "indicator_nodes" USING btree ("library_code");