/**
 * /w/<slug>/members: who belongs to the workspace, its pending invitations
 * and, for owners, the workspace itself. Every form is a plain POST with an
 * `intent` (works without JavaScript) that redirects with a notice, or
 * comes back with its input and the refusal beside it.
 *
 * Only the controls the caller's role can use are shown
 * (common/workspace-roles.ts); a forged POST of any other is refused all
 * the same, by the task API (+shared/two-stores.server.ts), and its message shown.
 *
 * The page's sections are in +shared/*-section.tsx.
 */
import type { Route } from './+types/members'
import { userContext, workspaceContext } from '#app/context.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { memberPermissions, ROLE_LABELS, WORKSPACE_ROLES, type WorkspaceRole } from '#common/workspace-roles.ts'
import {
	ChangeRoleSchema,
	DeleteWorkspaceSchema,
	InviteSchema,
	LeaveSchema,
	MEMBERS_PAGE_SCHEMAS,
	RemoveMemberSchema,
	RenameSchema,
	RevokeInvitationSchema,
	TransferSchema,
	type MembersPageIntent,
} from './+shared/schemas.ts'
import { inviteMember, pendingInvitations, revokeInvitation } from './+shared/invitations.server.ts'
import { changeRole, leaveWorkspace, removeMember, transferOwnership } from './+shared/member-changes.server.ts'
import type { Outcome } from './+shared/two-stores.server.ts'
import { deleteWorkspace, renameWorkspace } from './+shared/workspace-lifecycle.server.ts'
import { redirectWithNotice, runWorkspaceForm, type WorkspaceActionData } from './+shared/forms.server.ts'
import { workspaceHref } from './+shared/workspace.server.ts'
import { InviteSection } from './+shared/invite-section.tsx'
import { LeaveSection } from './+shared/leave-section.tsx'
import { PendingInvitationsSection } from './+shared/pending-invitations-section.tsx'
import { PeopleSection } from './+shared/people-section.tsx'
import { WorkspaceSection } from './+shared/workspace-section.tsx'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: `Members · ${loaderData?.workspace.name ?? 'Workspace'} · Taskwell` }]

export const headers = routeHeaders()

export async function loader({ context }: Route.LoaderArgs) {
	const workspace = context.get(workspaceContext)!
	const current = context.get(userContext)
	const manages = memberPermissions.viewActivity(workspace.role)
	return {
		workspace: { name: workspace.name, slug: workspace.slug, role: workspace.role },
		me: current.user.id,
		people: workspace.people,
		invitations: manages ? await pendingInvitations(workspace.id) : [],
	}
}

export async function action({ request, context }: Route.ActionArgs) {
	const workspace = context.get(workspaceContext)!
	const current = context.get(userContext)
	const formData = await request.formData()
	const intent = formData.get('intent')
	if (typeof intent !== 'string' || !Object.hasOwn(MEMBERS_PAGE_SCHEMAS, intent)) throw new Response('Unknown action', { status: 400 })
	const here = workspaceHref(workspace.slug, 'members')
	/** The outcome as the form's answer: a redirect here with `notice`, or the refusal. */
	const answer = async <Done extends object>(outcome: Outcome<Done>, notice: (done: Done) => string, to = here) =>
		outcome.ok ? redirectWithNotice(request, to, notice(outcome)) : outcome
	const args = [request, context, current, workspace] as const
	switch (intent as MembersPageIntent) {
		case 'invite':
			return runWorkspaceForm(intent, formData, InviteSchema, async (value) =>
				answer(await inviteMember(...args, value), (done) => `Invitation sent to ${done.email}.`),
			)
		case 'revoke-invitation':
			return runWorkspaceForm(intent, formData, RevokeInvitationSchema, async (value) =>
				answer(await revokeInvitation(...args, value.invitationId), (done) => `The invitation to ${done.email} was revoked.`),
			)
		case 'change-role':
			return runWorkspaceForm(intent, formData, ChangeRoleSchema, async (value) =>
				answer(await changeRole(...args, value), (done) =>
					done.changed ? `${done.name} is now ${article(value.role)} ${ROLE_LABELS[value.role]}.` : `${done.name} already has that role.`,
				),
			)
		case 'remove-member':
			return runWorkspaceForm(intent, formData, RemoveMemberSchema, async (value) =>
				answer(await removeMember(...args, value.userId), (done) => `${done.name} was removed from the workspace.`),
			)
		case 'leave':
			return runWorkspaceForm(intent, formData, LeaveSchema, async () =>
				answer(await leaveWorkspace(...args), () => `You left ${workspace.name}.`, '/tasks'),
			)
		case 'rename':
			return runWorkspaceForm(intent, formData, RenameSchema, async (value) =>
				answer(await renameWorkspace(...args, value.name), () => `The workspace is now called ${value.name}.`),
			)
		case 'transfer':
			return runWorkspaceForm(intent, formData, TransferSchema, async (value) =>
				answer(await transferOwnership(...args, value.userId), (done) => `${done.name} is now an owner of the workspace.`),
			)
		case 'delete-workspace':
			return runWorkspaceForm(intent, formData, DeleteWorkspaceSchema, async (value) => {
				if (value.confirmName !== workspace.name) {
					return { ok: false, status: 400, field: 'confirmName', message: `Type the workspace's name, ${workspace.name}, to confirm.` }
				}
				return answer(await deleteWorkspace(...args), () => `Workspace ${workspace.name} deleted.`, '/tasks')
			})
	}
}

const article = (role: WorkspaceRole) => (role === 'owner' || role === 'admin' ? 'an' : 'a')

export default function Members({ loaderData, actionData }: Route.ComponentProps) {
	const { workspace, me, people, invitations } = loaderData
	const role = workspace.role
	const data = actionData as WorkspaceActionData | undefined
	const manages = memberPermissions.viewActivity(role)
	const grantable = WORKSPACE_ROLES.filter((as) => memberPermissions.invite(role, as))
	return (
		<div className="settings workspace-members">
			<h1>Members</h1>
			<PeopleSection people={people} me={me} role={role} actionData={data} />
			{manages ? <PendingInvitationsSection invitations={invitations} actionData={data} /> : null}
			{grantable.length > 0 ? <InviteSection roles={grantable} actionData={data} /> : null}
			<LeaveSection actionData={data} />
			{memberPermissions.manageWorkspace(role) ? (
				<WorkspaceSection name={workspace.name} others={people.filter((person) => person.userId !== me)} actionData={data} />
			) : null}
		</div>
	)
}
