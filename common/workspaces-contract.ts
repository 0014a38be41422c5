/**
 * The task API's workspace contract: the zod schemas of its membership
 * routes (/v1/workspaces…, /v1/invitations…, /v1/me/workspaces), shared
 * with the app's BFF client like common/tasks-contract.ts. Who may do what
 * is common/workspace-roles.ts; these are only the shapes.
 */
import { z } from 'zod'
import { WORKSPACE_ROLES } from './workspace-roles.ts'

export const workspaceRoleSchema = z
	.enum(WORKSPACE_ROLES, { error: `must be one of ${WORKSPACE_ROLES.join(', ')}` })
	.meta({ id: 'WorkspaceRole' })

/** Workspace, invitation and user ids are minted by the app (Better Auth): uuids. */
const idSchema = z.uuid({ error: 'must be a uuid' })

/** POST /v1/workspaces: the app's organization id. */
export const createWorkspaceInputSchema = z.strictObject({ id: idSchema }).meta({ id: 'CreateWorkspaceInput' })
export type CreateWorkspaceInput = z.input<typeof createWorkspaceInputSchema>

/** A workspace as one member sees it: its id and their role. */
export const workspaceSchema = z.object({ id: z.string(), role: workspaceRoleSchema }).meta({ id: 'Workspace' })
export type Workspace = z.infer<typeof workspaceSchema>

/** GET /v1/workspaces/{id}. */
export const workspaceDetailsSchema = z
	.object({ id: z.string(), role: workspaceRoleSchema, members: z.number().int() })
	.meta({ id: 'WorkspaceDetails' })
export type WorkspaceDetails = z.infer<typeof workspaceDetailsSchema>

export const workspaceMemberSchema = z
	.object({ userId: z.string(), role: workspaceRoleSchema, createdAt: z.iso.datetime() })
	.meta({ id: 'WorkspaceMember' })
export type WorkspaceMember = z.infer<typeof workspaceMemberSchema>

export const workspaceInvitationSchema = z
	.object({ id: z.string(), email: z.string(), role: workspaceRoleSchema, expiresAt: z.iso.datetime() })
	.meta({ id: 'WorkspaceInvitation' })
export type WorkspaceInvitation = z.infer<typeof workspaceInvitationSchema>

/** GET /v1/workspaces/{id}/members: the members and the pending (unexpired) invitations. */
export const workspaceMembersSchema = z
	.object({ members: z.array(workspaceMemberSchema), invitations: z.array(workspaceInvitationSchema) })
	.meta({ id: 'WorkspaceMembers' })
export type WorkspaceMembers = z.infer<typeof workspaceMembersSchema>

/** PUT /v1/workspaces/{id}/invitations/{invitationId}. The email is stored lower-case. */
export const invitationInputSchema = z
	.strictObject({
		email: z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters'),
		role: workspaceRoleSchema,
		expiresAt: z.iso.datetime({ error: 'must be a date and time (ISO 8601)', offset: true }),
	})
	.meta({ id: 'InvitationInput' })
export type InvitationInput = z.input<typeof invitationInputSchema>

/** POST /v1/invitations/{invitationId}/accept. */
export const acceptedInvitationSchema = z.object({ workspaceId: z.string(), role: workspaceRoleSchema }).meta({ id: 'AcceptedInvitation' })
export type AcceptedInvitation = z.infer<typeof acceptedInvitationSchema>

/** PUT /v1/workspaces/{id}/members/{userId}. */
export const changeRoleInputSchema = z.strictObject({ role: workspaceRoleSchema }).meta({ id: 'ChangeRoleInput' })
export type ChangeRoleInput = z.input<typeof changeRoleInputSchema>

/** POST /v1/workspaces/{id}/transfer: the member who becomes an owner (the caller becomes an admin). */
export const transferInputSchema = z
	.strictObject({ userId: z.string({ error: 'must be a string' }).min(1, 'is required').max(255) })
	.meta({ id: 'TransferInput' })
export type TransferInput = z.input<typeof transferInputSchema>

/** GET /v1/me/workspaces. */
export const myWorkspacesSchema = z.object({ workspaces: z.array(workspaceSchema) }).meta({ id: 'MyWorkspaces' })
export type MyWorkspaces = z.infer<typeof myWorkspacesSchema>
