ALTER TABLE "results" ALTER COLUMN "breakdown" SET DATA TYPE json;--> statement-breakpoint
-- lz4 compresses the breakdown several times faster than pglz; builds without lz4 (PGlite) keep pglz.
DO $$ BEGIN ALTER TABLE "results" ALTER COLUMN "breakdown" SET COMPRESSION lz4; EXCEPTION WHEN feature_not_supported THEN NULL; END $$;
