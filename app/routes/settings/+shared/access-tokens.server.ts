/**
 * "Access tokens" in Settings, on the server: what the section lists (the
 * account's tokens and signed-in command lines, the workspaces a new token
 * may reach) and the two intents' work around app/lib/access-tokens/
 * (which makes, lists and revokes them). A new token's secret goes back in
 * the answer to the POST that made it, and nowhere else: never in loader
 * data, a URL, a cookie or a log line.
 */
import { and, asc, eq } from 'drizzle-orm'
import type { ContextReader } from '#app/context.server.ts'
import { db } from '#app/lib/db.server.ts'
import { member, organization } from '#app/lib/db/schema.ts'
import { createAccessToken, listAccessTokens, revokeAccessToken, type AccessTokenView } from '#app/lib/access-tokens/tokens.server.ts'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'

export type TokenWorkspace = { id: string; name: string }

/** The workspaces the account belongs to, by name: the places a new token may reach besides its personal tasks. */
export async function tokenWorkspacesOf(userId: string): Promise<TokenWorkspace[]> {
	return db
		.select({ id: organization.id, name: organization.name })
		.from(member)
		.innerJoin(organization, eq(organization.id, member.organizationId))
		.where(eq(member.userId, userId))
		.orderBy(asc(organization.name))
}

/** The workspace `id` names, if the account belongs to it (the form's choice, checked again). */
async function tokenWorkspace(userId: string, id: string): Promise<TokenWorkspace | null> {
	const [found] = await db
		.select({ id: organization.id, name: organization.name })
		.from(member)
		.innerJoin(organization, eq(organization.id, member.organizationId))
		.where(and(eq(member.userId, userId), eq(organization.id, id)))
	return found ?? null
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
	const { commandLines } = await listAccessTokens(userId)
	const kind = commandLines.some((line) => line.id === id) ? 'command-line' : 'token'
	try {
		const outcome = await revokeAccessToken(request, context, userId, id)
		return outcome === 'not-found' ? 'not-found' : `${kind}-revoked`
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return 'unavailable'
		throw error
	}
}
