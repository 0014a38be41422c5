/**
 * "Access tokens" in Settings (issue 26): personal access tokens for
 * scripts, and the command lines signed in with `taskwell login`, each
 * with "Revoke". Plain POST forms with an intent (no JavaScript needed).
 * A new token's secret comes back in the answer to "Create token" only
 * (as fresh backup codes do) and is shown that once, in a read-only field
 * with "Copy" (which needs JavaScript; without it the field's text can be
 * selected and copied by hand). An admin acting as the user sees the lists
 * only: the action refuses these intents to them (INTENTS_WHILE_ACTING).
 */
import type { SubmissionResult } from '@conform-to/react'
import { useState, useSyncExternalStore } from 'react'
import { Form } from 'react-router'
import { Field, FormErrors, RadioGroupField, SelectField, SubmitButton } from '#app/components/forms.tsx'
import { Notice } from '#app/components/notice.tsx'
import { SettingsForm, SettingsSection } from './settings-kit.tsx'
import { useSettingsForm } from './use-settings-form.ts'

type LastResult = SubmissionResult<string[]> | null | undefined

/** A token or command line as the section lists it (AccessTokenView, app/lib/access-tokens/tokens.server.ts). */
export type AccessTokenItem = {
	id: string
	name: string
	access: 'read' | 'read-write'
	workspaceName: string | null
	start: string
	createdAt: string
	lastUsedAt: string | null
	expiresAt: string | null
}

/** A token just made: its secret, in the answer to the POST that made it and nowhere else. */
export type NewAccessTokenItem = { id: string; name: string; secret: string }

const EXPIRY_OPTIONS = [
	{ value: '7', label: '7 days' },
	{ value: '30', label: '30 days' },
	{ value: '90', label: '90 days' },
	{ value: 'never', label: 'No expiry' },
] as const

const ACCESS_OPTIONS = [
	{ value: 'read', label: 'Read only' },
	{ value: 'read-write', label: 'Read and write' },
] as const

/** The Workspace select's value for the account's personal tasks (PERSONAL_TASKS on the server). */
const PERSONAL_TASKS = 'personal'

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

function When({ at, withTime = false }: { at: string | null; withTime?: boolean }) {
	if (!at) return <>Never</>
	return <time dateTime={at}>{withTime ? `${dateTimeFormat.format(new Date(at))} UTC` : dateFormat.format(new Date(at))}</time>
}

const accessLabel = (access: AccessTokenItem['access']) => (access === 'read' ? 'Read only' : 'Read and write')

/** One token or command line: what it may do, its dates, and "Revoke" (not while acting). */
function TokenItem({ item, created, canRevoke }: { item: AccessTokenItem; created: string; canRevoke: boolean }) {
	return (
		<li className="session-item">
			<p>
				<strong>
					<bdi>{item.name}</bdi>
				</strong>{' '}
				<code className="hint">{item.start}…</code>
			</p>
			<p className="hint">
				{accessLabel(item.access)} · {item.workspaceName ? <bdi>{item.workspaceName}</bdi> : 'Personal tasks'}
			</p>
			<p className="hint">
				{created}: <When at={item.createdAt} /> · Last used: <When at={item.lastUsedAt} withTime /> · Expires: <When at={item.expiresAt} />
			</p>
			{canRevoke ? (
				<Form method="post" className="inline-form">
					<input type="hidden" name="id" value={item.id} />
					<SubmitButton
						name="intent"
						value="revoke-access-token"
						className="button-secondary"
						pendingText="Revoking…"
						aria-label={`Revoke ${item.name}`}
					>
						Revoke
					</SubmitButton>
				</Form>
			) : null}
		</li>
	)
}

const noSubscription = () => () => {}

/** True once hydrated in a browser with a clipboard to write to (false on the server and while hydrating). */
function useClipboard(): boolean {
	return useSyncExternalStore(
		noSubscription,
		() => Boolean(navigator.clipboard),
		() => false,
	)
}

/** The secret, once: a read-only field to select, and "Copy" once JavaScript runs (not rendered before). */
function NewToken({ token }: { token: NewAccessTokenItem }) {
	const canCopy = useClipboard()
	const [copied, setCopied] = useState(false)
	async function copy() {
		try {
			await navigator.clipboard.writeText(token.secret)
			setCopied(true)
		} catch {
			// No clipboard (permission refused, an insecure origin): the field can still be selected and copied by hand.
			setCopied(false)
		}
	}
	return (
		<div className="new-token">
			<Notice tone="success">Copy your new token now. You won&apos;t be able to see it again.</Notice>
			<div className="field">
				<label htmlFor="new-access-token">Your new token</label>
				<input
					id="new-access-token"
					type="text"
					readOnly
					value={token.secret}
					autoComplete="off"
					spellCheck={false}
					className="secret-field"
					onFocus={(event) => event.currentTarget.select()}
				/>
			</div>
			{canCopy ? (
				<p className="copy-row">
					<button type="button" className="button-secondary" onClick={copy}>
						Copy
					</button>
					<span role="status">{copied ? 'Copied' : ''}</span>
				</p>
			) : null}
		</div>
	)
}

function CreateTokenForm({ workspaces, lastResult }: { workspaces: Array<{ id: string; name: string }>; lastResult: LastResult }) {
	const [form, fields] = useSettingsForm('create-access-token', lastResult, {
		expiresIn: '30',
		access: 'read',
		workspace: PERSONAL_TASKS,
	})
	return (
		<SettingsForm
			form={form}
			intent="create-access-token"
			submit="Create token"
			pendingText="Creating…"
			action="/settings#access-tokens-heading"
		>
			<Field
				label="Name"
				meta={fields.name}
				type="text"
				hint="What the token is for, e.g. the script that uses it."
				inputProps={{ autoComplete: 'off' }}
			/>
			<SelectField label="Expires in" meta={fields.expiresIn}>
				{EXPIRY_OPTIONS.map((option) => (
					<option key={option.value} value={option.value}>
						{option.label}
					</option>
				))}
			</SelectField>
			<RadioGroupField legend="Access" meta={fields.access} options={ACCESS_OPTIONS} />
			<SelectField label="Workspace" meta={fields.workspace}>
				<option value={PERSONAL_TASKS}>Personal tasks</option>
				{workspaces.map((workspace) => (
					<option key={workspace.id} value={workspace.id}>
						{workspace.name}
					</option>
				))}
			</SelectField>
		</SettingsForm>
	)
}

export type AccessTokensAction = {
	intent: string
	result: SubmissionResult<string[]>
	newAccessToken?: NewAccessTokenItem
}

export function AccessTokensSection({
	tokens,
	commandLines,
	workspaces,
	acting,
	action,
}: {
	tokens: AccessTokenItem[]
	commandLines: AccessTokenItem[]
	workspaces: Array<{ id: string; name: string }>
	/** An admin acting as the user: the lists only. */
	acting: boolean
	action: AccessTokensAction | undefined
}) {
	const created = action?.intent === 'create-access-token' ? action.newAccessToken : undefined
	const revokeErrors = action?.intent === 'revoke-access-token' ? (action.result.error?.[''] ?? undefined) : undefined
	return (
		<SettingsSection id="access-tokens" title="Access tokens">
			<p>Tokens let scripts and other programs use your tasks through the Taskwell API, without a browser.</p>
			{acting ? <p>Only the account’s owner can create or revoke access tokens and sign out command lines.</p> : null}
			<FormErrors id="revoke-access-token-errors" errors={revokeErrors} />
			{created ? <NewToken key={created.id} token={created} /> : null}
			{tokens.length === 0 ? (
				<p>No access tokens yet.</p>
			) : (
				<ul className="session-list" aria-label="Your access tokens">
					{tokens.map((item) => (
						<TokenItem key={item.id} item={item} created="Created" canRevoke={!acting} />
					))}
				</ul>
			)}
			{acting ? null : (
				<>
					<h3>New token</h3>
					{/* A new form after each token: its fields start empty again. */}
					<CreateTokenForm
						key={created?.id ?? 'new'}
						workspaces={workspaces}
						lastResult={action?.intent === 'create-access-token' ? action.result : undefined}
					/>
				</>
			)}
			<h3>Signed-in command lines</h3>
			<p className="hint">
				Sign in from a terminal with <code>npx taskwell login</code>.
			</p>
			{commandLines.length === 0 ? (
				<p>No command line is signed in.</p>
			) : (
				<ul className="session-list" aria-label="Your signed-in command lines">
					{commandLines.map((item) => (
						<TokenItem key={item.id} item={item} created="Signed in" canRevoke={!acting} />
					))}
				</ul>
			)}
		</SettingsSection>
	)
}
