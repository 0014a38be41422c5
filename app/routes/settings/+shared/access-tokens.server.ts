/**
 * "Access tokens" in Settings, on the server: the two intents' work around
 * app/lib/access-tokens/ (which makes, lists and revokes tokens), with the
 * workspace a new token may reach checked against the account's own
 * (workspacesOf, as the header's switcher lists them). A new token's secret goes back in
 * the answer to the POST that made it, and nowhere else: never in loader
 * data, a URL, a cookie or a log line.
 */
import type { ContextReader } from '#app/context.server.ts'
import { createAccessToken, revokeAccessToken, type AccessTokenView } from '#app/lib/access-tokens/tokens.server.ts'
import { workspacesOf } from '#app/routes/workspaces/+shared/workspace.server.ts'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'

/** The workspace `id` names, if the account belongs to it (the form's choice, checked again). */
async function tokenWorkspace(userId: string, id: string): Promise<{ id: string; name: string } | null> {
	const found = (await workspacesOf(userId)).find((workspace) => workspace.id === id)
	return found ? { id: found.id, name: found.name } : null
}

/** The form's value for "Personal tasks" in the Workspace select. */
export const PERSONAL_TASKS = 'personal'

export type CreateTokenInput = { name: string; expiresIn: '7' | '30' | '90' | 'never'; access: 'read' | 'read-write'; workspace: string }

export type CreateTokenOutcome = { ok: true; secret: string; token: AccessTokenView } | { ok: false; reason: 'not-a-member' }

export async function createTokenFromForm(
	request: Request,
	context: ContextReader,
	userId: string,
	input: CreateTokenInput,
): Promise<CreateTokenOutcome> {
	const workspace = input.workspace === PERSONAL_TASKS ? null : await tokenWorkspace(userId, input.workspace)
	if (input.workspace !== PERSONAL_TASKS && !workspace) return { ok: false, reason: 'not-a-member' }
	const made = await createAccessToken(request, context, userId, {
		name: input.name,
		expiresInDays: input.expiresIn === 'never' ? null : Number(input.expiresIn),
		access: input.access,
		workspace,
	})
	return { ok: true, ...made }
}

export type RevokeTokenOutcome = 'token-revoked' | 'command-line-revoked' | 'not-found' | 'unavailable'

/**
 * Revokes one of the account's tokens or command lines (the task API is
 * told first; when it cannot be, nothing is revoked: 'unavailable').
 */
export async function revokeTokenFromForm(
	request: Request,
	context: ContextReader,
	userId: string,
	id: string,
): Promise<RevokeTokenOutcome> {
	try {
		return await revokeAccessToken(request, context, userId, id)
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return 'unavailable'
		throw error
	}
}
