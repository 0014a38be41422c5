/**
 * The sections of /admin/users/<id> (routes/admin/user.tsx). Each form
 * posts to the page's action with an `intent`; the reply to the form that
 * posted comes back as `actionData` and shows beside it.
 */
import type { SubmissionResult } from '@conform-to/react'
import { Form } from 'react-router'
import { Field, FormErrors, SelectField, SubmitButton, TextareaField } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { SecurityActivitySection } from '#app/routes/settings/+shared/security-activity.tsx'
import type { WorkspaceActionData } from '#app/routes/workspaces/+shared/forms.server.ts'
import type { UserDetails } from './users.server.ts'
import { Time } from './format.tsx'
import {
	DeleteUserSchema,
	ImpersonateSchema,
	RestoreSchema,
	ROLE_NAMES,
	SetRoleSchema,
	SignOutEverywhereSchema,
	SuspendSchema,
	type UserPageIntent,
} from './schemas.ts'

type LastResult = SubmissionResult<string[]> | undefined

function resultFor(actionData: WorkspaceActionData | undefined, intent: UserPageIntent): LastResult {
	return actionData?.intent === intent ? actionData.result : undefined
}

function Section({ id, title, danger, children }: { id: string; title: string; danger?: boolean; children: React.ReactNode }) {
	return (
		<section aria-labelledby={`${id}-heading`} className={danger ? 'settings-section danger-zone' : 'settings-section'}>
			<h2 id={`${id}-heading`}>{title}</h2>
			{children}
		</section>
	)
}

type Props = {
	user: UserDetails
	me: string
	adminHasTwoFactor: boolean
	now: number
	actionData?: WorkspaceActionData
}

export function UserPage({ user, me, adminHasTwoFactor, now, actionData }: Props) {
	const isMe = user.id === me
	const isAdmin = user.role === 'admin'
	return (
		<div className="settings admin-user">
			<h1>
				<bdi>{user.name}</bdi>
			</h1>
			<ProfileSection user={user} />
			<Section id="methods" title="Sign-in methods">
				{user.signInMethods.length === 0 && user.passkeys === 0 ? (
					<p>None (the account can only use an emailed link).</p>
				) : (
					<ul>
						{user.signInMethods.map((method) => (
							<li key={method}>{method}</li>
						))}
						{user.passkeys > 0 ? <li>{user.passkeys === 1 ? '1 passkey' : `${user.passkeys} passkeys`}</li> : null}
					</ul>
				)}
			</Section>
			<SessionsSection user={user} actionData={actionData} />
			{isMe ? null : user.suspended ? (
				<RestoreSection user={user} lastResult={resultFor(actionData, 'restore')} />
			) : (
				<SuspendSection lastResult={resultFor(actionData, 'suspend')} />
			)}
			{isMe ? null : isAdmin ? (
				<Section id="act" title="Act as this user">
					<p>Admins cannot act as other admins.</p>
				</Section>
			) : user.suspended ? (
				<Section id="act" title="Act as this user">
					<p>This account is suspended: restore it first to act as it.</p>
				</Section>
			) : (
				<ActSection user={user} withCode={adminHasTwoFactor} lastResult={resultFor(actionData, 'impersonate')} />
			)}
			<RoleSection user={user} lastResult={resultFor(actionData, 'set-role')} />
			<SecurityActivitySection events={user.events} now={now} />
			<Section id="workspaces" title="Workspaces">
				{user.workspaces.length === 0 ? (
					<p>None.</p>
				) : (
					<ul>
						{user.workspaces.map((workspace) => (
							<li key={workspace.slug}>
								<bdi>{workspace.name}</bdi> ({workspace.role})
							</li>
						))}
					</ul>
				)}
			</Section>
			{isMe ? null : <DeleteSection user={user} lastResult={resultFor(actionData, 'delete-user')} />}
		</div>
	)
}

function ProfileSection({ user }: { user: UserDetails }) {
	return (
		<Section id="profile" title="Profile">
			<dl className="details">
				<dt>Name</dt>
				<dd>
					<bdi>{user.name}</bdi>
				</dd>
				<dt>Email</dt>
				<dd>
					<bdi>{user.email}</bdi> ({user.emailVerified ? 'verified' : 'not verified'})
				</dd>
				<dt>Created</dt>
				<dd>
					<Time at={user.createdAt} />
				</dd>
				<dt>Last sign-in</dt>
				<dd>
					<Time at={user.lastSignInAt} />
				</dd>
				<dt>Two-factor</dt>
				<dd>{user.twoFactorEnabled ? 'On' : 'Off'}</dd>
				<dt>Status</dt>
				<dd>
					{user.suspension ? (
						<>
							Suspended
							{user.suspension.until ? (
								<>
									{' '}
									until <Time at={user.suspension.until} />
								</>
							) : null}
							{user.suspension.reason ? <>: {user.suspension.reason}</> : null}
						</>
					) : (
						'Active'
					)}
				</dd>
				<dt>Role</dt>
				<dd>{ROLE_NAMES[user.role === 'admin' ? 'admin' : 'user']}</dd>
			</dl>
		</Section>
	)
}

const signOutConstraint = getFormConstraint(SignOutEverywhereSchema)

function SessionsSection({ user, actionData }: { user: UserDetails; actionData?: WorkspaceActionData }) {
	const revokeErrors = resultFor(actionData, 'revoke-session')?.error?.['']
	const [form] = useZodForm(SignOutEverywhereSchema, {
		id: 'sign-out-everywhere',
		lastResult: resultFor(actionData, 'sign-out-everywhere'),
		constraint: signOutConstraint,
	})
	return (
		<Section id="sessions" title="Sessions">
			<FormErrors errors={revokeErrors} />
			{user.sessions.length === 0 ? (
				<p>Not signed in anywhere.</p>
			) : (
				<ul className="session-list">
					{user.sessions.map((session) => (
						<li key={session.id} className="session-item">
							<p>
								<strong>
									<bdi>{session.device}</bdi>
								</strong>
								{session.actingAdmin ? ' (an administrator acting as the user)' : ''}
							</p>
							<p className="hint">
								IP address: {session.ipAddress ?? 'unknown'} · Last active <Time at={session.lastActiveAt} />
							</p>
							<Form method="post">
								<input type="hidden" name="sessionId" value={session.id} />
								<SubmitButton
									name="intent"
									value="revoke-session"
									pendingText="Revoking…"
									className="button-secondary"
									aria-label={`Revoke the session on ${session.device}`}
								>
									Revoke
								</SubmitButton>
							</Form>
						</li>
					))}
				</ul>
			)}
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<SubmitButton name="intent" value="sign-out-everywhere" pendingText="Signing out…" className="button-secondary">
					Sign out everywhere
				</SubmitButton>
			</Form>
		</Section>
	)
}

const suspendConstraint = getFormConstraint(SuspendSchema)

function SuspendSection({ lastResult }: { lastResult: LastResult }) {
	const [form, fields] = useZodForm(SuspendSchema, { id: 'suspend', lastResult, constraint: suspendConstraint })
	return (
		<Section id="suspend" title="Suspend user" danger>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<p>Every session of the account ends at once, and every way of signing in is refused until it is restored.</p>
				<TextareaField label="Reason" meta={fields.reason} hint="Kept in the audit log." textareaProps={{ rows: 2 }} />
				<Field
					label="Until"
					meta={fields.until}
					type="date"
					hint="Optional: the suspension lifts itself on that day. Empty: until restored."
				/>
				<SubmitButton name="intent" value="suspend" pendingText="Suspending…" className="button-danger">
					Suspend user
				</SubmitButton>
			</Form>
		</Section>
	)
}

const restoreConstraint = getFormConstraint(RestoreSchema)

function RestoreSection({ user, lastResult }: { user: UserDetails; lastResult: LastResult }) {
	const [form] = useZodForm(RestoreSchema, { id: 'restore', lastResult, constraint: restoreConstraint })
	return (
		<Section id="restore" title="Restore user">
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<p>
					Suspended
					{user.suspension?.until ? (
						<>
							{' '}
							until <Time at={user.suspension.until} />
						</>
					) : null}
					{user.suspension?.reason ? <>: {user.suspension.reason}</> : null}
				</p>
				<SubmitButton name="intent" value="restore" pendingText="Restoring…">
					Restore user
				</SubmitButton>
			</Form>
		</Section>
	)
}

const actConstraint = getFormConstraint(ImpersonateSchema)

function ActSection({ user, withCode, lastResult }: { user: UserDetails; withCode: boolean; lastResult: LastResult }) {
	const [form, fields] = useZodForm(ImpersonateSchema, { id: 'impersonate', lastResult, constraint: actConstraint })
	return (
		<Section id="act" title="Act as this user">
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<p>
					For support: you see Taskwell as <bdi>{user.name}</bdi> does, for at most an hour. You cannot change their password, email, second
					factors or passkeys, or delete the account, and their activity log will say an administrator acted as them.
				</p>
				<Field label="Your password" meta={fields.password} type="password" inputProps={{ autoComplete: 'current-password' }} />
				{withCode ? (
					<Field
						label="Your authentication code"
						meta={fields.code}
						type="text"
						hint="From your authenticator app, or one of your backup codes."
						inputProps={{ autoComplete: 'one-time-code', inputMode: 'numeric' }}
					/>
				) : null}
				<SubmitButton name="intent" value="impersonate" pendingText="Starting…" className="button-secondary">
					Act as this user
				</SubmitButton>
			</Form>
		</Section>
	)
}

const roleConstraint = getFormConstraint(SetRoleSchema)

function RoleSection({ user, lastResult }: { user: UserDetails; lastResult: LastResult }) {
	const role = user.role === 'admin' ? 'admin' : 'user'
	const [form, fields] = useZodForm(SetRoleSchema, { id: 'set-role', lastResult, constraint: roleConstraint, defaultValue: { role } })
	return (
		<Section id="role" title="Set role">
			<Form method="post" {...form.props} noValidate key={role}>
				<FormErrors id={form.errorId} errors={form.errors} />
				<SelectField label="Role" meta={fields.role} hint="Admins can use these pages.">
					<option value="user">{ROLE_NAMES.user}</option>
					<option value="admin">{ROLE_NAMES.admin}</option>
				</SelectField>
				<SubmitButton name="intent" value="set-role" pendingText="Saving…" className="button-secondary">
					Set role
				</SubmitButton>
			</Form>
		</Section>
	)
}

const deleteConstraint = getFormConstraint(DeleteUserSchema)

function DeleteSection({ user, lastResult }: { user: UserDetails; lastResult: LastResult }) {
	const [form, fields] = useZodForm(DeleteUserSchema, { id: 'delete-user', lastResult, constraint: deleteConstraint })
	return (
		<Section id="delete" title="Delete user" danger>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field
					label={`Type “${user.email}” to confirm`}
					meta={fields.confirmEmail}
					type="text"
					hint="The account, its tasks and its sessions are deleted for good."
					inputProps={{ autoComplete: 'off' }}
				/>
				<SubmitButton name="intent" value="delete-user" pendingText="Deleting…" className="button-danger">
					Delete user
				</SubmitButton>
			</Form>
		</Section>
	)
}
