CREATE TABLE "audit_seals" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ranges" jsonb NOT NULL,
	"count" integer NOT NULL,
	"root" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seal" integer;--> statement-breakpoint
CREATE INDEX "audit_unsealed" ON "audit_log" USING btree ("seq") WHERE seal is null;--> statement-breakpoint
-- Entries were numbered by the appender under a lock; from now on by the column's sequence.
SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false);
