CREATE TABLE "cycle_precondition_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"transition_id" uuid NOT NULL,
	"from_stage" text NOT NULL,
	"to_stage" text NOT NULL,
	"code" text NOT NULL,
	"blockers" jsonb NOT NULL,
	"reason" text NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cycle_precondition_overrides" ADD CONSTRAINT "cycle_precondition_overrides_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_precondition_overrides" ADD CONSTRAINT "cycle_precondition_overrides_transition_id_cycle_transitions_id_fk" FOREIGN KEY ("transition_id") REFERENCES "public"."cycle_transitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_precondition_overrides" ADD CONSTRAINT "cycle_precondition_overrides_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cycle_precondition_overrides_cycle" ON "cycle_precondition_overrides" USING btree ("cycle_id");