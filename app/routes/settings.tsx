import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect, useLocation, useSearchParams } from 'react-router'
import type { Route } from './+types/settings'
import { DeleteAccountSection, PasswordSection, ProfileSection, SessionsSection } from '#app/components/settings/sections.tsx'
import { ChangeEmailSection, LinkedAccountsSection } from '#app/components/settings/sign-in-methods.tsx'
import { signInMethodsSettingsData, signInMethodsSettingsIntent } from '#app/lib/sign-in-methods.server.ts'
import { SecurityActivitySection } from '#app/components/settings/security-activity.tsx'
import { TwoFactorSection, type TwoFactorActionView } from '#app/components/settings/two-factor.tsx'
import { PasskeysSection } from '#app/components/settings/passkeys.tsx'
import { listPasskeys, passkeySettingsAction } from '#app/lib/passkeys.server.ts'
import { PASSKEY_INTENTS, TWO_FACTOR_INTENTS, type PasskeyIntent, type TwoFactorIntent } from '#app/lib/schemas/auth-plain.ts'
import { TWO_FACTOR_HIDDEN_FIELDS, twoFactorSettingsAction } from '#app/lib/two-factor-settings.server.ts'
import { isTwoFactorEnabled, pendingTwoFactorSetup } from '#app/lib/two-factor.server.ts'
import { changePassword, deleteAccount, listSessions, revokeOtherSessions, revokeSession, updateName } from '#app/lib/account.server.ts'
import { redirectWithAuthCookies } from '#app/lib/auth-actions.server.ts'
import {
	ChangePasswordSchema,
	DeleteAccountSchema,
	INCORRECT_PASSWORD_MESSAGE,
	RevokeOtherSessionsSchema,
	RevokeSessionSchema,
	UpdateNameSchema,
	type SettingsIntent,
} from '#app/lib/schemas/account.ts'
import { logger } from '#app/lib/logger.server.ts'
import { listRecentSecurityEvents } from '#app/lib/auth/security-events.server.ts'
import { withStrongPassword } from '#app/lib/auth/password-strength.server.ts'
import { userContext } from '#app/context.server.ts'
import { ThrottledError, throttledReply } from '#app/lib/throttle.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Settings · Taskwell' }]

/** A throttled form's 429 keeps its Retry-After (Cache-Control: see isPrivateResponse). */
export const headers = routeHeaders()

const SAVED: Record<string, string> = {
	name: 'Your name has been saved.',
	password: 'Your password has been changed.',
	'two-factor-off': 'Two-factor authentication is off.',
	'two-factor-cancelled': 'Two-factor setup was cancelled: nothing was turned on.',
	'passkey-renamed': 'Your passkey has been renamed.',
	'passkey-deleted': 'Your passkey has been deleted.',
	'password-everywhere': 'Your password has been changed and your other devices have been signed out.',
	session: 'That session has been signed out.',
	sessions: 'All your other sessions have been signed out.',
}

/** The message of a ?saved= code; an own-property check, so `__proto__` or `toString` is no message. */
function savedMessage(code: string | null): string | undefined {
	return code !== null && Object.hasOwn(SAVED, code) ? SAVED[code] : undefined
}

export async function loader({ request, context }: Route.LoaderArgs) {
	const current = context.get(userContext)
	const [sessions, securityEvents, twoFactorEnabled] = await Promise.all([
		listSessions(current),
		listRecentSecurityEvents(current.user.id),
		isTwoFactorEnabled(current.user.id),
	])
	const passkeys = await listPasskeys(current.user.id)
	// A setup waiting for its first code: the same secret and QR code on every load.
	const pendingSetup = twoFactorEnabled ? null : await pendingTwoFactorSetup(current)
	// An unknown ?saved= code: the page without a message, as a 400.
	const saved = new URL(request.url).searchParams.get('saved')
	const unknownSaved = saved !== null && !savedMessage(saved)
	if (unknownSaved) logger.warn({ path: '/settings', saved: saved.slice(0, 64) }, 'unknown settings notice code')
	return data(
		{
			user: { name: current.user.name, email: current.user.email, timeZone: current.user.timeZone },
			sessions: sessions.map(({ createdAt: _createdAt, ...session }) => session),
			...(await signInMethodsSettingsData(current)),
			securityEvents,
			twoFactorEnabled,
			twoFactorSetup: pendingSetup ? { secret: pendingSetup.secret, qrSvg: pendingSetup.qrSvg } : null,
			passkeys,
			now: Date.now(),
		},
		{ status: unknownSaved ? 400 : 200 },
	)
}

const HIDDEN_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword', 'password', ...TWO_FACTOR_HIDDEN_FIELDS]

function reply(intent: SettingsIntent, result: unknown, status: number, headers: HeadersInit = {}) {
	return data({ intent, result: result as SubmissionResult<string[]> }, { status, headers })
}

export async function action({ request, context }: Route.ActionArgs) {
	const current = context.get(userContext)
	const formData = await request.formData()
	const intent = formData.get('intent')
	const userId = current.user.id
	const signInMethods = await signInMethodsSettingsIntent(request, context, current, formData)
	if (signInMethods) return signInMethods
	try {
		if (PASSKEY_INTENTS.includes(intent as PasskeyIntent)) {
			return await passkeySettingsAction(intent as PasskeyIntent, request, context, current, formData)
		}
		if (TWO_FACTOR_INTENTS.includes(intent as TwoFactorIntent)) {
			return await twoFactorSettingsAction(intent as TwoFactorIntent, request, context, current, formData)
		}
		switch (intent) {
			case 'update-name': {
				const submission = parseWithZod(formData, { schema: UpdateNameSchema })
				if (submission.status !== 'success') return reply(intent, submission.reply(), 400)
				const headers = await updateName(request, context, submission.value.name)
				return redirectWithAuthCookies('/settings?saved=name', headers)
			}
			case 'change-password': {
				const submission = parseWithZod(formData, { schema: withStrongPassword(ChangePasswordSchema, 'newPassword', current.user.email) })
				if (submission.status !== 'success') {
					return reply(intent, submission.reply({ hideFields: HIDDEN_FIELDS }), 400)
				}
				const revoke = submission.value.revokeOtherSessions ?? false
				const outcome = await changePassword(request, context, userId, current.session.id, {
					currentPassword: submission.value.currentPassword,
					newPassword: submission.value.newPassword,
					revokeOtherSessions: revoke,
				})
				if (!outcome.ok) {
					return reply(
						intent,
						submission.reply({
							fieldErrors: { currentPassword: [INCORRECT_PASSWORD_MESSAGE] },
							hideFields: HIDDEN_FIELDS,
						}),
						400,
					)
				}
				// "#main": a fragment of its own, or the browser keeps the form's
				// (#change-password) across the redirect and scrolls past the notice.
				return redirectWithAuthCookies(`/settings?saved=${revoke ? 'password-everywhere' : 'password'}#main`, outcome.headers)
			}
			case 'revoke-session': {
				const submission = parseWithZod(formData, { schema: RevokeSessionSchema })
				if (submission.status !== 'success') return reply(intent, submission.reply(), 400)
				if (submission.value.sessionId === current.session.id) {
					return reply(intent, submission.reply({ formErrors: ['Use “Sign out” at the top to sign out of this device.'] }), 400)
				}
				const done = await revokeSession(request, context, current, submission.value.sessionId)
				if (!done) {
					return reply(intent, submission.reply({ formErrors: ['That session has already ended.'] }), 404)
				}
				return redirect('/settings?saved=session')
			}
			case 'revoke-other-sessions': {
				const submission = parseWithZod(formData, { schema: RevokeOtherSessionsSchema })
				if (submission.status !== 'success') return reply(intent, submission.reply(), 400)
				await revokeOtherSessions(request, context, userId, current.session.id)
				return redirect('/settings?saved=sessions')
			}
			case 'delete-account': {
				const submission = parseWithZod(formData, { schema: DeleteAccountSchema })
				if (submission.status !== 'success') {
					return reply(intent, submission.reply({ hideFields: HIDDEN_FIELDS }), 400)
				}
				const outcome = await deleteAccount(request, context, userId, submission.value.password)
				if (!outcome.ok && outcome.reason === 'incorrect-password') {
					return reply(
						intent,
						submission.reply({
							fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] },
							hideFields: HIDDEN_FIELDS,
						}),
						400,
					)
				}
				if (!outcome.ok) {
					return reply(
						intent,
						submission.reply({
							formErrors: ['Your tasks could not be deleted just now, so nothing was deleted. Try again in a moment.'],
							hideFields: HIDDEN_FIELDS,
						}),
						503,
					)
				}
				// "#main": see change-password (the form posts to #delete-account).
				return redirectWithAuthCookies('/?deleted=1#main', outcome.headers)
			}
			default:
				throw new Response('Unknown action', { status: 400 })
		}
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		const submission = parseWithZod(formData, { schema: DeleteAccountSchema })
		return throttledReply(submission, error, {
			hideFields: HIDDEN_FIELDS,
			extra: { intent: intent as SettingsIntent },
		})
	}
}

export default function Settings({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const location = useLocation()
	const saved = savedMessage(searchParams.get('saved'))
	const resultFor = (intent: SettingsIntent) => (actionData?.intent === intent ? actionData.result : undefined)
	const sessionErrors = (['revoke-session', 'revoke-other-sessions'] as const).map((intent) => resultFor(intent)?.error?.['']).find(Boolean)
	return (
		<div className="settings">
			<h1>Settings</h1>
			{saved ? (
				<p role="status" className="flash flash-success">
					{saved}
				</p>
			) : null}
			<ProfileSection
				key={loaderData.user.name}
				name={loaderData.user.name}
				email={loaderData.user.email}
				timeZone={loaderData.user.timeZone}
				lastResult={resultFor('update-name')}
			/>
			<ChangeEmailSection email={loaderData.user.email} proof={loaderData.emailChangeProof} actionData={actionData} />
			{/* A new form after each visit: with JavaScript, a successful change
			    (a redirect to this page) leaves no password in the fields. */}
			<PasswordSection key={location.key} lastResult={resultFor('change-password')} />
			<LinkedAccountsSection
				linkedAccounts={loaderData.linkedAccounts}
				linkableProviders={loaderData.linkableProviders}
				actionData={actionData}
			/>
			<SessionsSection sessions={loaderData.sessions} formErrors={sessionErrors ?? undefined} />
			<TwoFactorSection
				enabled={loaderData.twoFactorEnabled}
				setup={loaderData.twoFactorSetup}
				action={
					actionData && TWO_FACTOR_INTENTS.includes(actionData.intent as TwoFactorIntent) ? (actionData as TwoFactorActionView) : undefined
				}
			/>
			<PasskeysSection
				passkeys={loaderData.passkeys}
				formErrors={
					actionData && PASSKEY_INTENTS.includes(actionData.intent as PasskeyIntent)
						? (actionData.result?.error?.[''] ?? undefined)
						: undefined
				}
			/>
			<SecurityActivitySection events={loaderData.securityEvents} now={loaderData.now} />
			<DeleteAccountSection lastResult={resultFor('delete-account')} />
		</div>
	)
}
