ALTER TABLE "results" ALTER COLUMN "grade" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ALTER COLUMN "grade_by_score" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ALTER COLUMN "rank" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "complete" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "results" ADD COLUMN "missing" jsonb DEFAULT '[]'::jsonb NOT NULL;