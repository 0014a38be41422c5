/**
 * Better Auth's organization plugin, as Taskwell's workspaces: an
 * organization is a workspace (its id is the task API's workspace id, its
 * slug the URL's /w/<slug>), with the four roles of common/workspace-roles.ts
 * declared in Better Auth's access control.
 *
 * Better Auth keeps who belongs to which workspace for the app's pages (the
 * switcher, the members page, invitations); the task API keeps its own copy
 * of every membership and decides every task read and write from it at the
 * moment of the request (docs/security-model.md, "Workspaces"). The app
 * changes both: the task API first when access is taken away, Better Auth
 * first when it is given (app/routes/workspaces/+shared/two-stores.server.ts).
 *
 * No invitation mail is sent from here: the app sends it once the task API
 * has accepted the invitation (the inviter's role is decided there too).
 */
import { organization } from 'better-auth/plugins/organization'
import { createAccessControl } from 'better-auth/plugins/access'
import { defaultStatements } from 'better-auth/plugins/organization/access'
import type { AppEnv } from '#app/lib/env.server.ts'

export const INVITATION_EXPIRES_IN_SECONDS = 7 * 24 * 60 * 60

const statements = { ...defaultStatements, task: ['create', 'update', 'delete', 'delete-own'] } as const
const ac = createAccessControl(statements)

/** The same table as common/workspace-roles.ts, in Better Auth's terms. */
export const workspaceRoles = {
	owner: ac.newRole({
		organization: ['update', 'delete'],
		member: ['create', 'update', 'delete'],
		invitation: ['create', 'cancel'],
		task: ['create', 'update', 'delete', 'delete-own'],
	}),
	admin: ac.newRole({
		member: ['create', 'update', 'delete'],
		invitation: ['create', 'cancel'],
		task: ['create', 'update', 'delete', 'delete-own'],
	}),
	member: ac.newRole({ task: ['create', 'update', 'delete-own'] }),
	viewer: ac.newRole({ task: [] }),
}

export function workspacesPlugin(env: AppEnv) {
	return organization({
		ac,
		roles: workspaceRoles,
		creatorRole: 'owner',
		organizationLimit: env.WORKSPACES_PER_ACCOUNT,
		membershipLimit: env.WORKSPACE_MAX_MEMBERS,
		invitationLimit: env.WORKSPACE_MAX_MEMBERS,
		invitationExpiresIn: INVITATION_EXPIRES_IN_SECONDS,
		cancelPendingInvitationsOnReInvite: true,
		requireEmailVerificationOnInvitation: true,
		sendInvitationEmail: async () => {},
	})
}
