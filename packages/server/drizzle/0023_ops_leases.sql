CREATE TABLE "ops_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"until" timestamp with time zone NOT NULL
);
