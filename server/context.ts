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
		/** Set by server/workspaces/access.ts on /v1/workspaces/{workspaceId}/…: the caller is a member. */
		workspace: WorkspaceAccess | undefined
	}
}
