DROP INDEX "task_title_trgm_idx";--> statement-breakpoint
DROP INDEX "task_notes_trgm_idx";--> statement-breakpoint
ALTER TABLE "task" ADD COLUMN "search" text GENERATED ALWAYS AS (lower(title || chr(31) || coalesce(notes, ''))) STORED;--> statement-breakpoint
CREATE INDEX "task_search_trgm_idx" ON "task" USING gin ("search" gin_trgm_ops);