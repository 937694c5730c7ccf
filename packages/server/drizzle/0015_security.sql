CREATE TABLE "cycle_disclosures" (
	"cycle_id" uuid PRIMARY KEY NOT NULL,
	"unit_results" boolean DEFAULT true NOT NULL,
	"cadre_grades" boolean DEFAULT true NOT NULL,
	"cadre_consequences" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "login_guards" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_start" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "privacy_consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"notice_version" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "previous_login_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "previous_login_ip" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "failed_logins_before" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_lookup" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_lookup" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "failed_logins" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_login_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "last_login_ip" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_secret" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_last_step" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cycle_disclosures" ADD CONSTRAINT "cycle_disclosures_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_disclosures" ADD CONSTRAINT "cycle_disclosures_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_consents" ADD CONSTRAINT "privacy_consents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_consents_user" ON "privacy_consents" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_email_lookup_unique" UNIQUE("email_lookup");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_phone_lookup_unique" UNIQUE("phone_lookup");--> statement-breakpoint
-- Usernames are compared normalised (trim, NFKC, lower case) from now on: bring stored ones to that form
-- where it does not collide with another account.
UPDATE "users" u SET "username" = lower(normalize(btrim(u."username"), NFKC))
WHERE u."username" <> lower(normalize(btrim(u."username"), NFKC))
  AND NOT EXISTS (SELECT 1 FROM "users" v WHERE v."id" <> u."id" AND v."username" = lower(normalize(btrim(u."username"), NFKC)));
