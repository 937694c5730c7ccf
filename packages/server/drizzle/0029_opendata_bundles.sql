CREATE TABLE "opendata_bundle_chunks" (
	"cycle_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "opendata_bundle_chunks_sha256_seq_pk" PRIMARY KEY("sha256","seq")
);
--> statement-breakpoint
CREATE TABLE "opendata_bundles" (
	"cycle_id" uuid PRIMARY KEY NOT NULL,
	"state_key" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"chunks" integer NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "opendata_bundle_chunks" ADD CONSTRAINT "opendata_bundle_chunks_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opendata_bundles" ADD CONSTRAINT "opendata_bundles_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "opendata_bundle_chunks_cycle" ON "opendata_bundle_chunks" USING btree ("cycle_id");