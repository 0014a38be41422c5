/**
 * Revoked access tokens (issue 26): the API's own record, written by
 * PUT /v1/me/access-tokens/{tokenId}/revocation and read by every instance
 * through server/auth/account-blocks.ts.
 *
 * Recording is idempotent: a repeat keeps the first row (its revoked_at and
 * user), so repeating a revocation never lengthens or shortens anything.
 */
import { revokedAccessToken } from '#server/db/schema.ts'
import type { TasksDb } from '#server/tasks/repository.ts'

export async function revokeAccessToken(db: TasksDb, tokenId: string, userId: string): Promise<void> {
	await db.insert(revokedAccessToken).values({ tokenId, userId }).onConflictDoNothing({ target: revokedAccessToken.tokenId })
}
