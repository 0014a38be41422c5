-- Account suspension (issue 22): the API's own record of the accounts the
-- app's admins suspended, and of the instant before which their tokens are
-- refused. suspended_until 'infinity' is a suspension with no end.
CREATE TABLE "account_status" (
	"user_id" text PRIMARY KEY NOT NULL,
	"suspended_until" timestamp with time zone,
	"tokens_valid_after" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "account_status_suspended_until_idx" ON "account_status" USING btree ("suspended_until");--> statement-breakpoint
CREATE INDEX "account_status_tokens_valid_after_idx" ON "account_status" USING btree ("tokens_valid_after");