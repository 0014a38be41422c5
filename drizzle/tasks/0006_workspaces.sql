-- Workspaces (shared task lists): the API's own membership tables, and tasks
-- keyed by the list they are on. A task's list_key is its creator's id on a
-- personal list (what user_id held so far: existing rows keep their key and
-- their counts) and 'w:<workspace id>' on a workspace's; the list indexes and
-- task_count move from user_id to it.
CREATE TABLE "workspace" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_invitation" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"invited_by" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "workspace_invitation_role" CHECK ("workspace_invitation"."role" in ('owner', 'admin', 'member', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "workspace_member" (
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_member_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id"),
	CONSTRAINT "workspace_member_role" CHECK ("workspace_member"."role" in ('owner', 'admin', 'member', 'viewer'))
);
--> statement-breakpoint
DROP INDEX "task_user_created_idx";--> statement-breakpoint
DROP INDEX "task_user_completed_idx";--> statement-breakpoint
ALTER TABLE "task" ADD COLUMN "workspace_id" text;--> statement-breakpoint
ALTER TABLE "task" ADD COLUMN "assignee_id" text;--> statement-breakpoint
ALTER TABLE "task" ADD COLUMN "list_key" text GENERATED ALWAYS AS (coalesce('w:' || workspace_id, user_id)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_invitation" ADD CONSTRAINT "workspace_invitation_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_member" ADD CONSTRAINT "workspace_member_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workspace_invitation_workspace_idx" ON "workspace_invitation" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "workspace_member_user_idx" ON "workspace_member" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_list_created_idx" ON "task" USING btree ("list_key","created_at","id");--> statement-breakpoint
CREATE INDEX "task_list_completed_idx" ON "task" USING btree ("list_key","completed") WHERE "task"."deleted_at" is null;--> statement-breakpoint
-- task_count is keyed by list: every existing row is a personal list, whose
-- key is the user's id, so the rename keeps every count as it is.
ALTER TABLE "task_count" RENAME COLUMN "user_id" TO "list_key";--> statement-breakpoint
CREATE OR REPLACE FUNCTION "task_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO "task_count" AS counted ("list_key", "live", "completed")
		SELECT "list_key", count(*), count(*) FILTER (WHERE "completed") FROM new_rows WHERE "deleted_at" IS NULL GROUP BY "list_key"
		ON CONFLICT ("list_key") DO UPDATE SET "live" = counted."live" + excluded."live", "completed" = counted."completed" + excluded."completed";
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO "task_count" AS counted ("list_key", "live", "completed")
		SELECT "list_key", sum("live"), sum("completed") FROM (
			SELECT "list_key", 1 AS "live", "completed"::int AS "completed" FROM new_rows WHERE "deleted_at" IS NULL
			UNION ALL
			SELECT "list_key", -1, -("completed"::int) FROM old_rows WHERE "deleted_at" IS NULL
		) AS changes GROUP BY "list_key" HAVING sum("live") <> 0 OR sum("completed") <> 0
		ON CONFLICT ("list_key") DO UPDATE SET "live" = counted."live" + excluded."live", "completed" = counted."completed" + excluded."completed";
	ELSE
		UPDATE "task_count" AS counted SET "live" = counted."live" - gone."live", "completed" = counted."completed" - gone."completed"
		FROM (SELECT "list_key", count(*) AS "live", count(*) FILTER (WHERE "completed") AS "completed" FROM old_rows WHERE "deleted_at" IS NULL GROUP BY "list_key") AS gone
		WHERE counted."list_key" = gone."list_key";
	END IF;
	RETURN NULL;
END
$$;