CREATE TABLE "linkage_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"response_limit_minutes" integer NOT NULL,
	"partial_resolution" double precision NOT NULL,
	"basic_satisfaction" double precision NOT NULL,
	"exclude_consultations" boolean NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "linkage_settings" ADD CONSTRAINT "linkage_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;