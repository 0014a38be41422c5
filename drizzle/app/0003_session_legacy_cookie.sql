ALTER TABLE "session" ADD COLUMN "legacy_cookie_until" timestamp with time zone;--> statement-breakpoint
-- Sessions made before the rename keep their old cookie name for up to a week (the longest a session lives unused); see app/lib/auth-cookies.server.ts.
UPDATE "session" SET "legacy_cookie_until" = now() + interval '7 days' WHERE "expires_at" > now();
