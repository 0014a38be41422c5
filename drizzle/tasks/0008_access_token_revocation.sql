-- Access-token revocation (issue 26): the access tokens the app revoked.
-- Every instance's snapshot reads the last 6 minutes' rows (a JWT whose tid
-- is there is refused); the cleanup deletes them after a day.
CREATE TABLE "revoked_access_token" (
	"token_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"revoked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "revoked_access_token_revoked_at_idx" ON "revoked_access_token" USING btree ("revoked_at");