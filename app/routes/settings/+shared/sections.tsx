/**
 * The sections of /settings. Each is a plain POST form with an `intent`
 * (works without JavaScript); with JavaScript it is also validated in the
 * browser with the same schema the action uses (useSettingsForm),
 * and shows the server's errors otherwise.
 */
import type { SubmissionResult } from '@conform-to/react'
import { Form, Link } from 'react-router'
import { CheckboxField, Field, FormErrors, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import { SettingsForm, SettingsSection } from './settings-kit.tsx'
import { useSettingsForm } from './use-settings-form.ts'

type LastResult = SubmissionResult<string[]> | null | undefined

export type SessionView = {
	id: string
	device: string
	ipAddress: string | null
	lastActiveAt: string
	current: boolean
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC',
})

export function ProfileSection({
	name,
	email,
	timeZone,
	emailVerified = true,
	lastResult,
}: {
	name: string
	email: string
	/** False until the address is confirmed (with REQUIRE_EMAIL_VERIFICATION off, an account can be used before). */
	emailVerified?: boolean
	/** The browser's, remembered by the tasks page when JavaScript runs; null: due dates count in UTC. */
	timeZone: string | null
	lastResult: LastResult
}) {
	const [form, fields] = useSettingsForm('update-name', lastResult, { name })
	return (
		<SettingsSection id="profile" title="Profile">
			<p>
				{'Signed in as '}
				<strong>
					<bdi>{email}</bdi>
				</strong>
			</p>
			{emailVerified ? null : (
				<p className="hint">
					This address is not confirmed yet. <Link to="/verify-email">Send a confirmation link</Link>.
				</p>
			)}
			<p className="hint time-zone-note">
				{timeZone ? `Due dates use your time zone: ${timeZone}.` : 'Due dates use UTC until you open Taskwell with JavaScript on.'}
			</p>
			<SettingsForm form={form} intent="update-name" submit="Save name" pendingText="Saving…">
				<Field label="Name" meta={fields.name} type="text" inputProps={{ autoComplete: 'name' }} />
			</SettingsForm>
		</SettingsSection>
	)
}

export function PasswordSection({ lastResult }: { lastResult: LastResult }) {
	const [form, fields] = useSettingsForm('change-password', lastResult)
	return (
		<SettingsSection id="password" title="Change password">
			{/* Posts to its own anchor: a page rendered with its error opens scrolled to it. */}
			<SettingsForm
				form={form}
				intent="change-password"
				submit="Change password"
				pendingText="Changing…"
				action="/settings#change-password"
			>
				<Field label="Current password" meta={fields.currentPassword} type="password" inputProps={{ autoComplete: 'current-password' }} />
				<NewPasswordFields password={fields.newPassword} confirm={fields.confirmPassword} />
				<CheckboxField label="Sign out other devices" meta={fields.revokeOtherSessions} />
			</SettingsForm>
		</SettingsSection>
	)
}

export function SessionsSection({ sessions, formErrors }: { sessions: SessionView[]; formErrors?: string[] }) {
	const others = sessions.filter((session) => !session.current)
	return (
		<SettingsSection id="sessions" title="Where you are signed in">
			<FormErrors errors={formErrors} />
			<ul className="session-list">
				{sessions.map((session) => (
					<li key={session.id} className="session-item" aria-current={session.current || undefined}>
						<p>
							<strong>
								<bdi>{session.device}</bdi>
							</strong>
							{session.current ? <span className="badge"> (This device)</span> : null}
						</p>
						<p className="hint">
							IP address: {session.ipAddress ?? 'unknown'} · Last active:{' '}
							<time dateTime={session.lastActiveAt}>{dateFormat.format(new Date(session.lastActiveAt))} UTC</time>
						</p>
						{session.current ? null : (
							<Form method="post" className="inline-form">
								<input type="hidden" name="sessionId" value={session.id} />
								<SubmitButton name="intent" value="revoke-session" className="button-secondary">
									Sign out
								</SubmitButton>
							</Form>
						)}
					</li>
				))}
			</ul>
			{others.length > 0 ? (
				<Form method="post">
					<SubmitButton name="intent" value="revoke-other-sessions" pendingText="Signing out…">
						Sign out of all other sessions
					</SubmitButton>
				</Form>
			) : (
				<p>You are not signed in anywhere else.</p>
			)}
		</SettingsSection>
	)
}

export function DeleteAccountSection({ lastResult }: { lastResult: LastResult }) {
	const [form, fields] = useSettingsForm('delete-account', lastResult)
	return (
		<SettingsSection id="delete" title="Delete account" danger>
			<p>This deletes your account and all your tasks, and signs you out everywhere. It cannot be undone. Type your password to confirm.</p>
			<SettingsForm
				form={form}
				intent="delete-account"
				submit="Delete account"
				pendingText="Deleting…"
				danger
				action="/settings#delete-account"
			>
				<Field label="Password" meta={fields.password} type="password" inputProps={{ autoComplete: 'current-password' }} />
			</SettingsForm>
		</SettingsSection>
	)
}
