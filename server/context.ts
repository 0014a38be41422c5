import type { WorkspaceRole } from '#common/workspace-roles.ts'

/** A workspace the caller belongs to, and their role in it as read for this request (never cached). */
export type WorkspaceAccess = { id: string; role: WorkspaceRole }

/** What middleware puts into the Hono context for later handlers. */
export type ApiEnv = {
	Variables: {
		requestId: string
		/** The verified token's `sub`: set by the auth middleware on /v1/*. */
		userId: string
		/**
		 * The verified token's `email` claim, when it carries one (the app adds
		 * it only to the token that accepts an invitation). Never logged.
		 */
		email: string | undefined
		/** The verified token's `iat` (seconds): the suspension check compares it (server/auth/account-blocks.ts). */
		tokenIssuedAt: number
		/**
		 * The admin acting as the user (`act.sub`, RFC 8693), when the token
		 * carries one: the request log records it beside `userId`.
		 */
		actorId: string | undefined
		/** The verified token's `scope` claim (space-separated), when it carries one: `account:status` may change the account's status. */
		scope: string | undefined
		/**
		 * The verified token's `tid` claim: the access token an access-token JWT
		 * was exchanged for (issue 26). Its presence limits the token
		 * (server/auth/access-token-limits.ts); a revoked one is refused
		 * (server/auth/account-blocks.ts). An id, not a secret: the request log records it.
		 */
		tokenId: string | undefined
		/** The verified access-token JWT's `workspace` claim: the one workspace it reaches (absent: personal tasks only). */
		workspaceId: string | undefined
		/** Set by server/workspaces/access.ts on /v1/workspaces/{workspaceId}/…: the caller is a member. */
		workspace: WorkspaceAccess | undefined
	}
}
