/**
 * The workspace routes: membership, invitations and the workspace itself,
 * declared with @hono/zod-openapi like the task routes. Everything under
 * /v1/workspaces/{workspaceId} first passes the membership middleware
 * (access.ts: the caller's role now, or 404), which the workspace's task
 * routes (server/tasks/routes.ts) share, the task list aside (it reads the
 * role in its page query: access.ts readsOwnRole). The changes re-read the role under
 * the workspace's lock (repository.ts), so races cannot break the rules.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import {
	acceptedInvitationSchema,
	changeRoleInputSchema,
	createWorkspaceInputSchema,
	invitationInputSchema,
	myWorkspacesSchema,
	transferInputSchema,
	workspaceDetailsSchema,
	workspaceInvitationSchema,
	workspaceMemberSchema,
	workspaceMembersSchema,
	workspaceSchema,
} from '#common/workspaces-contract.ts'
import type { ApiEnv } from '#server/context.ts'
import { authResponses, jsonBody, pathParam, problemResponse, security, workspaceIdParam } from '#server/openapi-parts.ts'
import { DEFAULT_WORKSPACE_LIMITS, type WorkspaceLimits } from '#server/tasks/limits.ts'
import type { TasksDb } from '#server/tasks/repository.ts'
import { currentWorkspace, requireMembership } from './access.ts'
import * as repository from './repository.ts'

const tags = ['Workspaces']
const workspaceId = workspaceIdParam
const workspaceParams = z.object({ workspaceId })
const invitationParams = z.object({ workspaceId, invitationId: pathParam('invitationId', 'The invitation id (the app’s, a uuid).') })
const memberParams = z.object({ workspaceId, userId: pathParam('userId', 'The member’s user id.') })
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } })
const notMember = problemResponse('No such workspace for this user (unknown, malformed, or the caller is not a member).')
const refused = problemResponse('The caller’s role does not allow this (`detail` says why).')
const invalid = problemResponse('Invalid fields: `errors` lists them as { field, message }.')
const lastOwner = problemResponse('The workspace would be left without an owner.')

const createWorkspaceRoute = createRoute({
	method: 'post',
	path: '/v1/workspaces',
	tags,
	summary: 'Create a workspace (the caller becomes its owner)',
	security,
	request: { body: jsonBody(createWorkspaceInputSchema) },
	responses: {
		201: json('Created.', workspaceSchema),
		409: problemResponse('A workspace with this id exists already.'),
		422: problemResponse('Invalid id, or the caller belongs to WORKSPACES_PER_ACCOUNT workspaces already.'),
		...authResponses,
	},
})

const getWorkspaceRoute = createRoute({
	method: 'get',
	path: '/v1/workspaces/{workspaceId}',
	tags,
	summary: 'The caller’s role in a workspace, and how many members it has',
	security,
	request: { params: workspaceParams },
	responses: { 200: json('The workspace.', workspaceDetailsSchema), 404: notMember, ...authResponses },
})

const deleteWorkspaceRoute = createRoute({
	method: 'delete',
	path: '/v1/workspaces/{workspaceId}',
	tags,
	summary: 'Delete a workspace with its members, invitations and tasks (owners)',
	security,
	request: { params: workspaceParams },
	responses: { 204: { description: 'Deleted.' }, 403: refused, 404: notMember, ...authResponses },
})

const listMembersRoute = createRoute({
	method: 'get',
	path: '/v1/workspaces/{workspaceId}/members',
	tags,
	summary: 'The members and pending invitations (any member)',
	security,
	request: { params: workspaceParams },
	responses: { 200: json('Members and invitations.', workspaceMembersSchema), 404: notMember, ...authResponses },
})

const putInvitationRoute = createRoute({
	method: 'put',
	path: '/v1/workspaces/{workspaceId}/invitations/{invitationId}',
	tags,
	summary: 'Invite someone by email (owners; admins, not as owner)',
	description:
		'Creates the invitation, or replaces it (same id). Members plus pending invitations may not exceed WORKSPACE_MAX_MEMBERS (422). The email is stored lower-case; accepting needs a token whose `email` claim matches.',
	security,
	request: { params: invitationParams, body: jsonBody(invitationInputSchema) },
	responses: {
		201: json('The invitation.', workspaceInvitationSchema),
		403: refused,
		404: notMember,
		409: problemResponse('The invitation id belongs to another workspace.'),
		422: problemResponse('Invalid fields, or the workspace has reached its member limit.'),
		...authResponses,
	},
})

const revokeInvitationRoute = createRoute({
	method: 'delete',
	path: '/v1/workspaces/{workspaceId}/invitations/{invitationId}',
	tags,
	summary: 'Revoke an invitation (owners and admins)',
	security,
	request: { params: invitationParams },
	responses: { 204: { description: 'Revoked.' }, 403: refused, 404: problemResponse('No such workspace or invitation.'), ...authResponses },
})

const acceptInvitationRoute = createRoute({
	method: 'post',
	path: '/v1/invitations/{invitationId}/accept',
	tags,
	summary: 'Accept an invitation',
	description:
		'The token must carry an `email` claim equal (case-insensitively) to the invitation’s. The caller joins with the invited role; someone already a member keeps their role. The invitation is used up.',
	security,
	request: { params: z.object({ invitationId: pathParam('invitationId', 'The invitation id.') }) },
	responses: {
		200: json('The workspace joined, and the caller’s role in it.', acceptedInvitationSchema),
		403: problemResponse('The token carries no email, or another one.'),
		404: problemResponse('No such invitation, or it has expired (or was used).'),
		422: problemResponse('The workspace has reached its member limit.'),
		...authResponses,
	},
})

const changeRoleRoute = createRoute({
	method: 'put',
	path: '/v1/workspaces/{workspaceId}/members/{userId}',
	tags,
	summary: 'Change a member’s role',
	description:
		'Someone else’s: owners any; admins not to or from owner. One’s own: only downward, and never the last owner’s (409). The workspace always keeps an owner.',
	security,
	request: { params: memberParams, body: jsonBody(changeRoleInputSchema) },
	responses: {
		200: json('The member as now.', workspaceMemberSchema),
		403: refused,
		404: problemResponse('No such workspace, or no such member in it.'),
		409: lastOwner,
		422: invalid,
		...authResponses,
	},
})

const removeMemberRoute = createRoute({
	method: 'delete',
	path: '/v1/workspaces/{workspaceId}/members/{userId}',
	tags,
	summary: 'Remove a member, or leave (your own user id)',
	description: 'Their tasks stay; the tasks assigned to them lose the assignee. The last owner cannot leave (409).',
	security,
	request: { params: memberParams },
	responses: {
		204: { description: 'Removed.' },
		403: refused,
		404: problemResponse('No such workspace, or no such member in it.'),
		409: lastOwner,
		...authResponses,
	},
})

const transferRoute = createRoute({
	method: 'post',
	path: '/v1/workspaces/{workspaceId}/transfer',
	tags,
	summary: 'Make another member an owner and become an admin (owners)',
	security,
	request: { params: workspaceParams, body: jsonBody(transferInputSchema) },
	responses: {
		200: json('The workspace and the caller’s new role.', workspaceSchema),
		403: refused,
		404: problemResponse('No such workspace, or no such member in it.'),
		422: invalid,
		...authResponses,
	},
})

const myWorkspacesRoute = createRoute({
	method: 'get',
	path: '/v1/me/workspaces',
	tags,
	summary: 'The workspaces the caller belongs to, with their role',
	security,
	responses: { 200: json('The caller’s workspaces.', myWorkspacesSchema), ...authResponses },
})

/** The membership middleware for a workspace and everything in it; registered before any route under it. */
export function guardWorkspaces(app: OpenAPIHono<ApiEnv>, db: TasksDb): void {
	const membership = requireMembership(db)
	app.use('/v1/workspaces/:workspaceId', membership)
	app.use('/v1/workspaces/:workspaceId/*', membership)
}

export function registerWorkspaceRoutes(app: OpenAPIHono<ApiEnv>, db: TasksDb, limits: WorkspaceLimits = DEFAULT_WORKSPACE_LIMITS): void {
	app.openapi(createWorkspaceRoute, async (c) => {
		const { id } = c.req.valid('json')
		await repository.createWorkspace(db, id, c.var.userId, limits)
		c.header('Location', `/v1/workspaces/${id}`)
		return c.json({ id, role: 'owner' as const }, 201)
	})

	app.openapi(getWorkspaceRoute, async (c) => {
		const workspace = currentWorkspace(c.var.workspace)
		return c.json(await repository.getWorkspace(db, workspace.id, workspace.role), 200)
	})

	app.openapi(deleteWorkspaceRoute, async (c) => {
		await repository.deleteWorkspace(db, currentWorkspace(c.var.workspace).id, c.var.userId)
		return c.body(null, 204)
	})

	app.openapi(listMembersRoute, async (c) => {
		return c.json(await repository.listMembers(db, currentWorkspace(c.var.workspace).id), 200)
	})

	app.openapi(putInvitationRoute, async (c) => {
		const input = c.req.valid('json')
		repository.checkInvitationInput(input)
		const workspace = currentWorkspace(c.var.workspace)
		const saved = await repository.putInvitation(db, workspace.id, c.req.param('invitationId'), c.var.userId, input, limits)
		return c.json(saved, 201)
	})

	app.openapi(revokeInvitationRoute, async (c) => {
		await repository.revokeInvitation(db, currentWorkspace(c.var.workspace).id, c.req.param('invitationId'), c.var.userId)
		return c.body(null, 204)
	})

	app.openapi(acceptInvitationRoute, async (c) => {
		const accepted = await repository.acceptInvitation(db, c.req.param('invitationId'), c.var.userId, c.var.email, limits)
		return c.json(accepted, 200)
	})

	app.openapi(changeRoleRoute, async (c) => {
		const { role } = c.req.valid('json')
		const workspace = currentWorkspace(c.var.workspace)
		return c.json(await repository.changeRole(db, workspace.id, c.var.userId, c.req.param('userId'), role), 200)
	})

	app.openapi(removeMemberRoute, async (c) => {
		await repository.removeMember(db, currentWorkspace(c.var.workspace).id, c.var.userId, c.req.param('userId'))
		return c.body(null, 204)
	})

	app.openapi(transferRoute, async (c) => {
		const { userId } = c.req.valid('json')
		return c.json(await repository.transferOwnership(db, currentWorkspace(c.var.workspace).id, c.var.userId, userId), 200)
	})

	app.openapi(myWorkspacesRoute, async (c) => c.json(await repository.myWorkspaces(db, c.var.userId), 200))
}
