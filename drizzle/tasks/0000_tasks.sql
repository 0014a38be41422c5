CREATE TYPE "public"."task_priority" AS ENUM('low', 'normal', 'high');--> statement-breakpoint
CREATE TABLE "task" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"title" text NOT NULL,
	"notes" text,
	"completed" boolean DEFAULT false NOT NULL,
	"due_date" date,
	"priority" "task_priority" DEFAULT 'normal' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp (3) with time zone,
	CONSTRAINT "task_title_length" CHECK (char_length("task"."title") between 1 and 200),
	CONSTRAINT "task_notes_length" CHECK (char_length("task"."notes") <= 5000),
	CONSTRAINT "task_completed_at" CHECK ("task"."completed" = ("task"."completed_at" is not null))
);
--> statement-breakpoint
CREATE INDEX "task_user_created_idx" ON "task" USING btree ("user_id","created_at","id");