/**
 * /device: where `taskwell login` sends the user to sign a command line in
 * (RFC 8628's verification page). Signed in (the _signed-in layout: a
 * signed-out visitor signs in and comes back here with the code).
 *
 * - No code: a GET form asks for it ("Code", "Continue").
 * - A pending code: who asks, as whom, what it may do, the code to compare
 *   with the terminal's, and "Allow" / "Deny" (POST forms). Reading the
 *   page changes nothing (findDeviceRequest); the POST claims and decides
 *   the code (decideDeviceRequest), then /device?result=allowed|denied.
 * - An unknown or expired code: a 404 page saying so, with the Code form;
 *   a code already decided: said so.
 * - An admin acting as the user: no forms, and the POST is refused (403).
 */
import { data, Form, redirect } from 'react-router'
import type { Route } from './+types/device'
import { userContext } from '#app/context.server.ts'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { Notice } from '#app/components/notice.tsx'
import { decideDeviceRequest, findDeviceRequest } from '#app/lib/access-tokens/device.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in a device · Taskwell' }]

export const headers = routeHeaders()

/** A user code longer than this is no code (the plugin's are 8 characters). */
const USER_CODE_MAX_LENGTH = 64
const NOT_WHILE_ACTING_MESSAGE = 'Not while you act as this user: only the account’s owner can sign in a device.'

const RESULTS = {
	allowed: 'Device signed in. You can close this page and go back to the command line.',
	denied: 'Sign-in denied. The command line was not signed in.',
} as const

const userCodeOf = (value: FormDataEntryValue | string | null) =>
	typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, USER_CODE_MAX_LENGTH) : null

export async function loader({ request, context }: Route.LoaderArgs) {
	const current = context.get(userContext)
	const acting = Boolean(current.session.impersonatedBy)
	const params = new URL(request.url).searchParams
	const asked = params.get('result')
	const result: keyof typeof RESULTS | null = asked === 'allowed' || asked === 'denied' ? asked : null
	const userCode = userCodeOf(params.get('user_code'))
	const base = { email: current.user.email, acting, result }
	if (base.result || !userCode) return data({ ...base, request: null })
	const found = await findDeviceRequest(userCode)
	return data({ ...base, request: found }, { status: found.state === 'invalid' ? 404 : 200 })
}

export async function action({ request, context }: Route.ActionArgs) {
	const current = context.get(userContext)
	const formData = await request.formData()
	const decision = formData.get('intent')
	if (decision !== 'allow' && decision !== 'deny') throw new Response('Unknown action', { status: 400 })
	if (current.session.impersonatedBy) return data({ error: NOT_WHILE_ACTING_MESSAGE }, { status: 403 })
	const userCode = userCodeOf(formData.get('user_code'))
	const outcome = userCode ? await decideDeviceRequest(request, context, current.user.id, userCode, decision) : 'invalid'
	if (outcome === 'done') return redirect(`/device?result=${decision === 'allow' ? 'allowed' : 'denied'}`)
	// Used or unknown by now: the page says which.
	return redirect(`/device?${new URLSearchParams({ user_code: userCode ?? '' })}`)
}

function CodeForm() {
	return (
		<Form method="get" action="/device">
			<div className="field">
				<label htmlFor="device-user-code">Code</label>
				<input
					id="device-user-code"
					name="user_code"
					type="text"
					required
					maxLength={USER_CODE_MAX_LENGTH}
					autoComplete="off"
					autoCapitalize="characters"
					spellCheck={false}
					aria-describedby="device-user-code-hint"
				/>
				<p id="device-user-code-hint" className="hint">
					The code the command line shows after <code>taskwell login</code>.
				</p>
			</div>
			<button type="submit">Continue</button>
		</Form>
	)
}

function DecisionForm({ userCode, decision }: { userCode: string; decision: 'allow' | 'deny' }) {
	return (
		<Form method="post" className="inline-form">
			<input type="hidden" name="user_code" value={userCode} />
			<SubmitButton
				name="intent"
				value={decision}
				className={decision === 'deny' ? 'button-secondary' : undefined}
				pendingText={decision === 'allow' ? 'Allowing…' : 'Denying…'}
			>
				{decision === 'allow' ? 'Allow' : 'Deny'}
			</SubmitButton>
		</Form>
	)
}

export default function Device({ loaderData, actionData }: Route.ComponentProps) {
	const { email, acting, result, request } = loaderData
	return (
		<section className="card narrow device-page">
			<h1>Sign in a device</h1>
			<FormErrors id="device-errors" errors={actionData?.error ? [actionData.error] : undefined} />
			{result ? (
				<Notice tone="success">{RESULTS[result]}</Notice>
			) : acting ? (
				<p>You are acting as this user: only they can sign in a device.</p>
			) : request?.state === 'pending' ? (
				<>
					<p>
						<strong>{request.clientName}</strong> wants to sign in as{' '}
						<strong>
							<bdi>{email}</bdi>
						</strong>
						.
					</p>
					<p>{request.access === 'read-write' ? 'Read and write your personal tasks' : 'Read your personal tasks'}</p>
					<p>
						Check that the command line shows the code <code className="device-code">{request.userCode}</code>
					</p>
					<div className="actions device-actions">
						<DecisionForm userCode={request.userCode} decision="allow" />
						<DecisionForm userCode={request.userCode} decision="deny" />
					</div>
				</>
			) : request?.state === 'used' ? (
				<>
					<Notice tone="error">This code has already been used.</Notice>
					<CodeForm />
				</>
			) : request?.state === 'invalid' ? (
				<>
					<Notice tone="error">This code has expired or is not valid. Run taskwell login again to get a new one.</Notice>
					<CodeForm />
				</>
			) : (
				<>
					<p>Enter the code your command line shows to sign it in to your account.</p>
					<CodeForm />
				</>
			)}
		</section>
	)
}
