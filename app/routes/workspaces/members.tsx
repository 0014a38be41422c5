/**
 * /w/<slug>/members: who belongs to the workspace, its pending invitations
 * and, for owners, the workspace itself. Every form is a plain POST with an
 * `intent` (works without JavaScript) that redirects with a notice, or
 * comes back with its input and the refusal beside it.
 *
 * Only the controls the caller's role can use are shown
 * (common/workspace-roles.ts); a forged POST of any other is refused all
 * the same, by the task API (membership.server.ts), and its message shown.
 */
import type { SubmissionResult } from '@conform-to/react'
import { Form } from 'react-router'
import type { Route } from './+types/members'
import { userContext, workspaceContext } from '#app/context.server.ts'
import { Field, FormErrors, SelectField, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
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
import {
	changeRole,
	deleteWorkspace,
	inviteMember,
	leaveWorkspace,
	pendingInvitations,
	removeMember,
	renameWorkspace,
	revokeInvitation,
	transferOwnership,
	type Outcome,
} from './+shared/membership.server.ts'
import { redirectWithNotice, runWorkspaceForm, type WorkspaceActionData } from './+shared/forms.server.ts'
import { workspaceHref } from './+shared/workspace.server.ts'

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

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })

type LastResult = SubmissionResult<string[]> | undefined

/** The reply to the form that posted: this intent, and (for a per-row form) this row's hidden value. */
function resultFor(
	actionData: WorkspaceActionData | undefined,
	intent: MembersPageIntent,
	key?: { name: string; value: string },
): LastResult {
	if (actionData?.intent !== intent) return undefined
	if (key && actionData.result.initialValue?.[key.name] !== key.value) return undefined
	return actionData.result
}

export default function Members({ loaderData, actionData }: Route.ComponentProps) {
	const { workspace, me, people, invitations } = loaderData
	const role = workspace.role
	const data = actionData as WorkspaceActionData | undefined
	const manages = memberPermissions.viewActivity(role)
	const grantable = WORKSPACE_ROLES.filter((as) => memberPermissions.invite(role, as))
	return (
		<div className="settings workspace-members">
			<h1>Members</h1>
			<Section id="people" title="People">
				<ul className="session-list">
					{people.map((person) => (
						<PersonRow key={person.userId} person={person} me={me} role={role} actionData={data} />
					))}
				</ul>
			</Section>
			{manages ? (
				<Section id="invitations" title="Pending invitations">
					{invitations.length === 0 ? (
						<p>No pending invitations.</p>
					) : (
						<ul className="session-list">
							{invitations.map((invitation) => (
								<InvitationRow
									key={invitation.id}
									invitation={invitation}
									lastResult={resultFor(data, 'revoke-invitation', { name: 'invitationId', value: invitation.id })}
								/>
							))}
						</ul>
					)}
				</Section>
			) : null}
			{grantable.length > 0 ? (
				<Section id="invite" title="Invite member">
					<InviteForm roles={grantable} lastResult={resultFor(data, 'invite')} />
				</Section>
			) : null}
			<Section id="leave" title="Leave workspace">
				<LeaveForm lastResult={resultFor(data, 'leave')} />
			</Section>
			{memberPermissions.manageWorkspace(role) ? (
				<Section id="workspace" title="Workspace" danger>
					<RenameForm name={workspace.name} lastResult={resultFor(data, 'rename')} />
					<TransferForm people={people.filter((person) => person.userId !== me)} lastResult={resultFor(data, 'transfer')} />
					<DeleteForm name={workspace.name} lastResult={resultFor(data, 'delete-workspace')} />
				</Section>
			) : null}
		</div>
	)
}

function Section({ id, title, danger, children }: { id: string; title: string; danger?: boolean; children: React.ReactNode }) {
	return (
		<section aria-labelledby={`${id}-heading`} className={danger ? 'settings-section danger-zone' : 'settings-section'}>
			<h2 id={`${id}-heading`}>{title}</h2>
			{children}
		</section>
	)
}

type Person = { userId: string; name: string; email: string; role: WorkspaceRole }

const changeRoleConstraint = getFormConstraint(ChangeRoleSchema)
const removeConstraint = getFormConstraint(RemoveMemberSchema)

function PersonRow({
	person,
	me,
	role,
	actionData,
}: {
	person: Person
	me: string
	role: WorkspaceRole
	actionData?: WorkspaceActionData
}) {
	const key = { name: 'userId', value: person.userId }
	const isMe = person.userId === me
	const assignable = WORKSPACE_ROLES.filter((to) => to === person.role || memberPermissions.changeRole(role, person.role, to))
	const mayChange = !isMe && assignable.length > 1
	const mayRemove = !isMe && memberPermissions.remove(role, person.role)
	return (
		<li className="session-item">
			<p>
				<strong>
					<bdi>{person.name}</bdi>
				</strong>
				{isMe ? ' (you)' : ''} · <bdi>{person.email}</bdi> · <span className="role-badge">{ROLE_LABELS[person.role]}</span>
			</p>
			{mayChange ? <ChangeRoleForm person={person} roles={assignable} lastResult={resultFor(actionData, 'change-role', key)} /> : null}
			{mayRemove ? <RemoveForm person={person} lastResult={resultFor(actionData, 'remove-member', key)} /> : null}
		</li>
	)
}

function ChangeRoleForm({ person, roles, lastResult }: { person: Person; roles: WorkspaceRole[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(ChangeRoleSchema, {
		id: `change-role-${person.userId}`,
		lastResult,
		constraint: changeRoleConstraint,
		defaultValue: { role: person.role },
	})
	return (
		<Form method="post" {...form.props} noValidate className="inline-form">
			<FormErrors id={form.errorId} errors={form.errors} />
			<input type="hidden" name="userId" value={person.userId} />
			<SelectField label={`Role of ${person.name}`} meta={fields.role}>
				{roles.map((to) => (
					<option key={to} value={to}>
						{ROLE_LABELS[to]}
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="change-role" pendingText="Changing…" className="button-secondary">
				Change role
			</SubmitButton>
		</Form>
	)
}

function RemoveForm({ person, lastResult }: { person: Person; lastResult: LastResult }) {
	const [form] = useZodForm(RemoveMemberSchema, { id: `remove-${person.userId}`, lastResult, constraint: removeConstraint })
	return (
		<Form method="post" {...form.props} noValidate className="inline-form">
			<FormErrors id={form.errorId} errors={form.errors} />
			<input type="hidden" name="userId" value={person.userId} />
			<SubmitButton name="intent" value="remove-member" pendingText="Removing…" className="button-danger">
				Remove member
			</SubmitButton>
		</Form>
	)
}

const revokeConstraint = getFormConstraint(RevokeInvitationSchema)

function InvitationRow({
	invitation,
	lastResult,
}: {
	invitation: { id: string; email: string; role: WorkspaceRole; expiresAt: string }
	lastResult: LastResult
}) {
	const [form] = useZodForm(RevokeInvitationSchema, { id: `revoke-${invitation.id}`, lastResult, constraint: revokeConstraint })
	return (
		<li className="session-item">
			<p>
				<strong>
					<bdi>{invitation.email}</bdi>
				</strong>{' '}
				· {ROLE_LABELS[invitation.role]} · expires{' '}
				<time dateTime={invitation.expiresAt}>{dateFormat.format(new Date(invitation.expiresAt))}</time>
			</p>
			<Form method="post" {...form.props} noValidate className="inline-form">
				<FormErrors id={form.errorId} errors={form.errors} />
				<input type="hidden" name="invitationId" value={invitation.id} />
				<SubmitButton name="intent" value="revoke-invitation" pendingText="Revoking…" className="button-secondary">
					Revoke invitation
				</SubmitButton>
			</Form>
		</li>
	)
}

const inviteConstraint = getFormConstraint(InviteSchema)

function InviteForm({ roles, lastResult }: { roles: WorkspaceRole[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(InviteSchema, {
		id: 'invite',
		lastResult,
		constraint: inviteConstraint,
		defaultValue: { role: roles.includes('member') ? 'member' : roles[0] },
	})
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'off' }} />
			<SelectField label="Role" meta={fields.role}>
				{roles.map((as) => (
					<option key={as} value={as}>
						{ROLE_LABELS[as]}
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="invite" pendingText="Inviting…">
				Invite member
			</SubmitButton>
		</Form>
	)
}

const leaveConstraint = getFormConstraint(LeaveSchema)

function LeaveForm({ lastResult }: { lastResult: LastResult }) {
	const [form] = useZodForm(LeaveSchema, { id: 'leave', lastResult, constraint: leaveConstraint })
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<p>You lose access to its tasks; someone who manages it can invite you again.</p>
			<SubmitButton name="intent" value="leave" pendingText="Leaving…" className="button-danger">
				Leave workspace
			</SubmitButton>
		</Form>
	)
}

const renameConstraint = getFormConstraint(RenameSchema)

function RenameForm({ name, lastResult }: { name: string; lastResult: LastResult }) {
	const [form, fields] = useZodForm(RenameSchema, { id: 'rename', lastResult, constraint: renameConstraint, defaultValue: { name } })
	return (
		<Form method="post" {...form.props} noValidate key={name}>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field label="Name" meta={fields.name} type="text" inputProps={{ autoComplete: 'off' }} />
			<SubmitButton name="intent" value="rename" pendingText="Renaming…" className="button-secondary">
				Rename workspace
			</SubmitButton>
		</Form>
	)
}

const transferConstraint = getFormConstraint(TransferSchema)

function TransferForm({ people, lastResult }: { people: Person[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(TransferSchema, { id: 'transfer', lastResult, constraint: transferConstraint })
	if (people.length === 0) return <p>Invite someone to be able to transfer ownership to them.</p>
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<SelectField label="New owner" meta={fields.userId} hint="They become an owner of the workspace.">
				{people.map((person) => (
					<option key={person.userId} value={person.userId}>
						{person.name} ({person.email})
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="transfer" pendingText="Transferring…" className="button-secondary">
				Transfer ownership
			</SubmitButton>
		</Form>
	)
}

const deleteConstraint = getFormConstraint(DeleteWorkspaceSchema)

function DeleteForm({ name, lastResult }: { name: string; lastResult: LastResult }) {
	const [form, fields] = useZodForm(DeleteWorkspaceSchema, { id: 'delete-workspace', lastResult, constraint: deleteConstraint })
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field
				label={`Type “${name}” to confirm`}
				meta={fields.confirmName}
				type="text"
				hint="Deleting the workspace deletes its tasks for everyone in it."
				inputProps={{ autoComplete: 'off' }}
			/>
			<SubmitButton name="intent" value="delete-workspace" pendingText="Deleting…" className="button-danger">
				Delete workspace
			</SubmitButton>
		</Form>
	)
}
