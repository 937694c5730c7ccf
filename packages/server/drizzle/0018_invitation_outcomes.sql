ALTER TABLE "survey_invitations" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "outcome_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "outcome_by" uuid;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_outcome_by_users_id_fk" FOREIGN KEY ("outcome_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;