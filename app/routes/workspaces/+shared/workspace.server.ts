/**
 * The workspace of a /w/<slug> URL, resolved once per request by the
 * workspace layout's middleware (routes/workspaces/layout.tsx): who belongs
 * to it (names for "Created by" and "Assigned to"), and a task API client
 * scoped to it in place of the personal one.
 *
 * The role read here (Better Auth's member table) only decides what the
 * pages show. Whether a read or a change is allowed is decided by the task
 * API, from its own membership table, at the moment of each request: a page
 * open from before a removal or a downgrade is refused on its next action.
 */
import { and, asc, eq } from 'drizzle-orm'
import { data, type MiddlewareFunction } from 'react-router'
import { tasksApiContext, userContext, workspaceContext, type ContextReader } from '#app/context.server.ts'
import { cachedForUser } from '#app/lib/auth/session-cache.server.ts'
import { onlyReads } from '#app/lib/auth/session.server.ts'
import { db } from '#app/lib/db.server.ts'
import { member, organization, user } from '#app/lib/db/schema.ts'
import { createTasksApi } from '#app/lib/tasks-api/client.server.ts'
import { isWorkspaceRole, type WorkspaceRole } from '#common/workspace-roles.ts'
import { WORKSPACE_NOT_FOUND_MESSAGE } from '#app/lib/task-lists.ts'

export type WorkspacePerson = { userId: string; name: string; email: string; role: WorkspaceRole }
export type CurrentWorkspace = { id: string; slug: string; name: string; role: WorkspaceRole; people: WorkspacePerson[] }
export type WorkspaceLink = { id: string; slug: string; name: string; role: WorkspaceRole }

const roleOf = (value: string): WorkspaceRole => (isWorkspaceRole(value) ? value : 'viewer')

/** The workspace `slug` names, if `userId` belongs to it; null otherwise (unknown and not-a-member look the same). */
export async function findWorkspace(userId: string, slug: string): Promise<CurrentWorkspace | null> {
	const [found] = await db
		.select({ id: organization.id, slug: organization.slug, name: organization.name, role: member.role })
		.from(organization)
		.innerJoin(member, and(eq(member.organizationId, organization.id), eq(member.userId, userId)))
		.where(eq(organization.slug, slug))
	if (!found) return null
	const people = await db
		.select({ userId: member.userId, name: user.name, email: user.email, role: member.role })
		.from(member)
		.innerJoin(user, eq(user.id, member.userId))
		.where(eq(member.organizationId, found.id))
		.orderBy(asc(user.name), asc(user.email))
	return {
		id: found.id,
		slug: found.slug,
		name: found.name,
		role: roleOf(found.role),
		people: people.map((person) => ({ ...person, role: roleOf(person.role) })),
	}
}

/** Every workspace the user belongs to, by name (the header's switcher; the places a new access token may reach). */
export async function workspacesOf(userId: string): Promise<WorkspaceLink[]> {
	const rows = await db
		.select({ id: organization.id, slug: organization.slug, name: organization.name, role: member.role })
		.from(member)
		.innerJoin(organization, eq(organization.id, member.organizationId))
		.where(eq(member.userId, userId))
		.orderBy(asc(organization.name))
	return rows.map((row) => ({ ...row, role: roleOf(row.role) }))
}

/**
 * The header's switcher on every signed-in page (the root loader): workspacesOf,
 * reused by pages for up to 500 ms like the session lookup (and dropped with
 * it when this user changes anything), so a warm page costs no query. The
 * switcher only links; the task API decides each workspace request.
 */
export function switcherWorkspacesOf(request: Request, context: ContextReader, userId: string): Promise<WorkspaceLink[]> {
	return onlyReads(request, context) ? cachedForUser('workspaces', userId, () => workspacesOf(userId)) : workspacesOf(userId)
}

/** After requireUserMiddleware and tasksApiMiddleware: the workspace of params.slug, or a 404 page. */
export const workspaceMiddleware: MiddlewareFunction<Response> = async ({ request, context, params }, next) => {
	const current = context.get(userContext)
	const workspace = params.slug ? await findWorkspace(current.user.id, params.slug) : null
	if (!workspace) throw data(WORKSPACE_NOT_FOUND_MESSAGE, { status: 404, statusText: 'Not Found' })
	context.set(workspaceContext, workspace)
	context.set(tasksApiContext, createTasksApi(request, context, current, { workspaceId: workspace.id }))
	return next()
}

/** The URL of a workspace page (in href.ts, for the browser too). */
export { workspaceHref } from './href.ts'
