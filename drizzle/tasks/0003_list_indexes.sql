-- The search indexes below need pg_trgm (a trusted extension: no superuser needed on PostgreSQL 13+; PGlite loads it in common/database.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "task_user_completed_idx" ON "task" USING btree ("user_id","completed") WHERE "task"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "task_title_trgm_idx" ON "task" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "task_notes_trgm_idx" ON "task" USING gin ("notes" gin_trgm_ops);