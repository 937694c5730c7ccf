ALTER TABLE "opendata_bundles" ADD COLUMN "name" text DEFAULT 'bundle' NOT NULL;--> statement-breakpoint
ALTER TABLE "opendata_bundles" DROP CONSTRAINT "opendata_bundles_pkey";--> statement-breakpoint
ALTER TABLE "opendata_bundles" ADD CONSTRAINT "opendata_bundles_cycle_id_name_pk" PRIMARY KEY("cycle_id","name");
