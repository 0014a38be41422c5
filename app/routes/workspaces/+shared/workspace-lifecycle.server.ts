/**
 * Creating, renaming and deleting a workspace on the server, and which
 * workspaces only one account owns (what stops its deletion).
 *
 * The order in which the two stores change (the task API's copy of the
 * memberships and Better Auth's tables): two-stores.server.ts.
 */
import { eq, inArray } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { db } from '#app/lib/db.server.ts'
import { member, organization } from '#app/lib/db/schema.ts'
import { createWorkspacesApi } from '#app/lib/tasks-api/workspaces-client.server.ts'
import type { CurrentWorkspace } from './workspace.server.ts'
import { SLUG_TAKEN_MESSAGE } from './schemas.ts'
import { codeOf, follow, type Outcome, recordWorkspaceEvent, refusalOf, refuse, undo, workspacesLimitMessage } from './two-stores.server.ts'

export async function createWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	input: { name: string; slug: string },
): Promise<Outcome<{ slug: string }>> {
	let created: { id: string; slug: string; name: string }
	try {
		created = await auth.api.createOrganization({
			body: { name: input.name, slug: input.slug, keepCurrentActiveOrganization: true },
			headers: authHeaders(request, context),
		})
	} catch (error) {
		const code = codeOf(error)
		if (code === 'ORGANIZATION_ALREADY_EXISTS' || code === 'ORGANIZATION_SLUG_ALREADY_TAKEN') return refuse(409, SLUG_TAKEN_MESSAGE, 'slug')
		if (code === 'YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS') return refuse(403, workspacesLimitMessage())
		throw error
	}
	try {
		await createWorkspacesApi(request, context, current).createWorkspace(created.id)
	} catch (error) {
		const refusal = refusalOf(error, { invalid: workspacesLimitMessage() })
		await undo('create workspace', () => db.delete(organization).where(eq(organization.id, created.id)))
		return refusal
	}
	await recordWorkspaceEvent(request, context, 'workspace-created', created, current.user.id, null)
	return { ok: true, slug: created.slug }
}

/** Better Auth alone: the task API keeps no names. Owners only (Better Auth's organization:update). */
export async function renameWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	name: string,
): Promise<Outcome> {
	if (name === workspace.name) return { ok: true }
	try {
		await auth.api.updateOrganization({ body: { organizationId: workspace.id, data: { name } }, headers: authHeaders(request, context) })
	} catch (error) {
		if (error instanceof APIError) return refuse(403, 'Only owners can rename this workspace.')
		throw error
	}
	await recordWorkspaceEvent(
		request,
		context,
		'workspace-renamed',
		{ id: workspace.id, name },
		current.user.id,
		`“${workspace.name}” → “${name}”`,
	)
	return { ok: true }
}

export async function deleteWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
): Promise<Outcome> {
	try {
		await createWorkspacesApi(request, context, current).deleteWorkspace(workspace.id)
	} catch (error) {
		return refusalOf(error, { notFound: 'This workspace no longer exists.' })
	}
	await follow(
		'delete workspace',
		() => auth.api.deleteOrganization({ body: { organizationId: workspace.id }, headers: authHeaders(request, context) }),
		() => db.delete(organization).where(eq(organization.id, workspace.id)),
	)
	const everyone = workspace.people.map((person) => person.userId)
	await recordWorkspaceEvent(request, context, 'workspace-deleted', workspace, current.user.id, null, everyone)
	return { ok: true }
}

/**
 * The names of the workspaces of which the user is the only owner while
 * others belong to them (what stops an account deletion). `ids`: the
 * workspaces the task API named, when it did.
 */
export async function workspacesOnlyOwnedBy(userId: string, ids?: string[]): Promise<string[]> {
	const mine = db.select({ id: member.organizationId }).from(member).where(eq(member.userId, userId))
	const rows = await db
		.select({ id: organization.id, name: organization.name, userId: member.userId, role: member.role })
		.from(member)
		.innerJoin(organization, eq(organization.id, member.organizationId))
		.where(inArray(member.organizationId, mine))
	const byWorkspace = new Map<string, { name: string; owners: string[]; people: number }>()
	for (const row of rows) {
		const entry = byWorkspace.get(row.id) ?? { name: row.name, owners: [], people: 0 }
		entry.people += 1
		if (row.role === 'owner') entry.owners.push(row.userId)
		byWorkspace.set(row.id, entry)
	}
	return [...byWorkspace.entries()]
		.filter(([id, entry]) => (ids ? ids.includes(id) : entry.people > 1 && entry.owners.length === 1 && entry.owners[0] === userId))
		.map(([, entry]) => entry.name)
		.sort((a, b) => a.localeCompare(b))
}
