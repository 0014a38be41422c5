CREATE TABLE "task_count" (
	"user_id" text PRIMARY KEY NOT NULL,
	"live" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Today's counts, then triggers that keep them: one statement's changes are
-- summed per user from its transition tables (a live row in new_rows adds
-- itself, a live row in old_rows takes itself away), so an add, a toggle, a
-- delete, a restore, "Clear completed" and the purge all keep them right.
INSERT INTO "task_count" ("user_id", "live", "completed")
SELECT "user_id", count(*), count(*) FILTER (WHERE "completed") FROM "task" WHERE "deleted_at" IS NULL GROUP BY "user_id";--> statement-breakpoint
CREATE FUNCTION "task_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO "task_count" AS counted ("user_id", "live", "completed")
		SELECT "user_id", count(*), count(*) FILTER (WHERE "completed") FROM new_rows WHERE "deleted_at" IS NULL GROUP BY "user_id"
		ON CONFLICT ("user_id") DO UPDATE SET "live" = counted."live" + excluded."live", "completed" = counted."completed" + excluded."completed";
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO "task_count" AS counted ("user_id", "live", "completed")
		SELECT "user_id", sum("live"), sum("completed") FROM (
			SELECT "user_id", 1 AS "live", "completed"::int AS "completed" FROM new_rows WHERE "deleted_at" IS NULL
			UNION ALL
			SELECT "user_id", -1, -("completed"::int) FROM old_rows WHERE "deleted_at" IS NULL
		) AS changes GROUP BY "user_id" HAVING sum("live") <> 0 OR sum("completed") <> 0
		ON CONFLICT ("user_id") DO UPDATE SET "live" = counted."live" + excluded."live", "completed" = counted."completed" + excluded."completed";
	ELSE
		UPDATE "task_count" AS counted SET "live" = counted."live" - gone."live", "completed" = counted."completed" - gone."completed"
		FROM (SELECT "user_id", count(*) AS "live", count(*) FILTER (WHERE "completed") AS "completed" FROM old_rows WHERE "deleted_at" IS NULL GROUP BY "user_id") AS gone
		WHERE counted."user_id" = gone."user_id";
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "task_count_insert" AFTER INSERT ON "task" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_count_apply"();--> statement-breakpoint
CREATE TRIGGER "task_count_update" AFTER UPDATE ON "task" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_count_apply"();--> statement-breakpoint
CREATE TRIGGER "task_count_delete" AFTER DELETE ON "task" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_count_apply"();
