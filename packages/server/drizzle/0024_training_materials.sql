CREATE TABLE "cycle_materials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cycle_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"url" text,
	"filename" text,
	"mime_type" text,
	"size" integer,
	"sha256" text,
	"content" "bytea",
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cycle_materials_kind" CHECK (("cycle_materials"."kind" = 'file' and "cycle_materials"."content" is not null) or ("cycle_materials"."kind" = 'link' and "cycle_materials"."url" is not null))
);
--> statement-breakpoint
ALTER TABLE "cycle_materials" ADD CONSTRAINT "cycle_materials_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_materials" ADD CONSTRAINT "cycle_materials_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cycle_materials_cycle" ON "cycle_materials" USING btree ("cycle_id");