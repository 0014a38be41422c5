/**
 * What the issue-10 forms do on the server: start a provider sign-in or a
 * link (answering 302 to the provider, with Better Auth's state cookie),
 * send and use an emailed sign-in link, change the email address, list and
 * unlink sign-in methods. Each calls auth.api on the server with the
 * request's headers, behind the app's throttles.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import { APIError } from 'better-auth/api'
import { decodeJwt } from 'jose'
import { atLeast, checkCurrentPassword, NEUTRAL_RESPONSE_MS, verifyEmail } from './account.server.ts'
import { asc, eq } from 'drizzle-orm'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from './db.server.ts'
import { account as accountTable } from './db/schema.ts'
import { logger } from './logger.server.ts'
import { emailChangeNoticeMessage, sendMailInBackground } from './mail.server.ts'
import { configuredProviders, providerName } from '#app/lib/auth/providers.server.ts'
import { emailChangeProofOf, hasPassword, sendEmailChangeCode, spendEmailChangeCode } from './email-change-code.server.ts'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import {
	ChangeEmailSchema,
	ChangeEmailWithCodeSchema,
	EMAIL_CODE_REQUIRED_MESSAGE,
	INVALID_EMAIL_CODE_MESSAGE,
	LinkProviderSchema,
	MagicLinkRequestSchema,
	ProviderSignInSchema,
	SendEmailChangeCodeSchema,
	UnlinkProviderSchema,
} from './schemas/sign-in-methods.ts'
import { recordHit, RULES, takeAttempt, ThrottledError, throttledReply, throttleMessage, type ThrottleRule } from './throttle.server.ts'

export const SIGN_IN_METHOD_RULES = {
	magicLinkPerIp: { name: 'magic-link:ip', limit: 20, windowSeconds: 15 * 60 },
	/** Beyond this the answer stays the same, but no more mail goes out. */
	magicLinkPerEmail: { name: 'magic-link:email', limit: 3, windowSeconds: 60 * 60 },
	magicLinkVerifyPerIp: { name: 'magic-link-verify:ip', limit: 30, windowSeconds: 15 * 60 },
	emailChangePerUser: { name: 'email-change:user', limit: 5, windowSeconds: 60 * 60 },
	linkPerUser: { name: 'provider-link:user', limit: 20, windowSeconds: 15 * 60 },
} satisfies Record<string, ThrottleRule>

/** A 302 to the provider that carries Better Auth's state cookie. */
function redirectToProvider(url: string, authResponseHeaders: Headers): Response {
	const headers = new Headers({ 'Cache-Control': 'no-store' })
	for (const cookie of authResponseHeaders.getSetCookie()) headers.append('set-cookie', cookie)
	return redirect(url, { headers })
}

export function isConfiguredProvider(id: string): boolean {
	return configuredProviders().some((provider) => provider.id === id)
}

// --------------------------------------------------------------- providers

/**
 * "Continue with …": 302 to the provider's authorization URL (code flow,
 * PKCE, state). Back from the provider, Better Auth's callback signs the
 * user in and sends them to `redirectTo` (sanitised), or to
 * /login?error=… (keeping redirectTo) when anything failed.
 */
export async function startProviderSignIn(
	request: Request,
	context: ContextReader,
	provider: string,
	redirectTo: string | undefined,
): Promise<Response> {
	await takeAttempt(RULES.signInPerIp, clientIpOf(context))
	const target = safeRedirect(redirectTo)
	// A failure comes back to /login with its ?error= code, still holding redirectTo.
	const errorTarget = redirectTo ? `/login?${new URLSearchParams({ redirectTo: target })}` : '/login'
	const { headers, response } = await auth.api.signInSocial({
		body: { provider, callbackURL: target, errorCallbackURL: errorTarget, disableRedirect: true },
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	if (!response || !('url' in response) || !response.url) throw new Error('Better Auth returned no authorization URL')
	return redirectToProvider(response.url, headers)
}

export const PROVIDER_UNAVAILABLE_MESSAGE =
	'That sign-in provider cannot be reached right now. Please try again in a moment, or sign in with your email.'

/**
 * Better Auth could not build the provider's authorization URL: an OpenID
 * provider whose discovery document cannot be fetched is left out until it
 * can (PROVIDER_NOT_FOUND), or its configuration is unusable.
 */
function isProviderUnavailable(error: unknown): boolean {
	if (!(error instanceof APIError)) return false
	logger.warn({ err: error, code: error.body?.code }, 'sign-in provider unavailable')
	return true
}

/**
 * The action of a "Continue with …" form (/login, /signup): 302 to the
 * provider, or the page again with a message (unknown provider, throttled).
 */
export async function providerIntent(request: Request, context: ContextReader, formData: FormData) {
	const submission = parseWithZod(formData, { schema: ProviderSignInSchema })
	if (submission.status !== 'success' || !isConfiguredProvider(submission.value.provider)) {
		return data({ providerError: 'That sign-in provider is not available.' }, { status: 400 })
	}
	try {
		return await startProviderSignIn(request, context, submission.value.provider, submission.value.redirectTo)
	} catch (error) {
		if (isProviderUnavailable(error))
			return data({ providerError: PROVIDER_UNAVAILABLE_MESSAGE }, { status: 503, headers: { 'Retry-After': '30' } })
		if (!(error instanceof ThrottledError)) throw error
		return data(
			{ providerError: throttleMessage(error.retryAfterSeconds) },
			{ status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
		)
	}
}

/** "Link …" in Settings: the same round trip, which adds the provider to the signed-in account. */
export async function startProviderLink(request: Request, context: ContextReader, userId: string, provider: string): Promise<Response> {
	await takeAttempt(SIGN_IN_METHOD_RULES.linkPerUser, userId)
	const { headers, response } = await auth.api.linkSocialAccount({
		body: {
			provider,
			callbackURL: `/settings?linked=${encodeURIComponent(provider)}`,
			errorCallbackURL: '/settings',
			disableRedirect: true,
		},
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	if (!response.url) throw new Error('Better Auth returned no authorization URL')
	return redirectToProvider(response.url, headers)
}

export type LinkedAccount = { id: string; providerId: string; name: string }

/** The account's sign-in methods: "Password" and each linked provider. */
/**
 * The account's sign-in methods, read by user id (like the session list): a
 * page rendered after an action that replaced the session (two-factor
 * enable) still has the old cookie in its request.
 */
export async function listLinkedAccounts(userId: string): Promise<LinkedAccount[]> {
	const rows = await db
		.select({ id: accountTable.id, providerId: accountTable.providerId })
		.from(accountTable)
		.where(eq(accountTable.userId, userId))
		.orderBy(asc(accountTable.createdAt))
	return rows.map((row) => ({ id: row.id, providerId: row.providerId, name: providerName(row.providerId) }))
}

export type UnlinkResult = { ok: true; provider: string } | { ok: false; reason: 'last-method' | 'not-found' | 'sign-in-again' }

/** Removes one sign-in method, never the last one (a password counts as one). */
export async function unlinkProvider(request: Request, context: ContextReader, userId: string, accountId: string): Promise<UnlinkResult> {
	const linked = await listLinkedAccounts(userId)
	const account = linked.find((candidate) => candidate.id === accountId)
	if (!account) return { ok: false, reason: 'not-found' }
	if (linked.length <= 1) return { ok: false, reason: 'last-method' }
	try {
		await auth.api.unlinkAccount({ body: { accountId }, headers: authHeaders(request, context) })
	} catch (error) {
		if (error instanceof APIError && error.body?.code === 'FAILED_TO_UNLINK_LAST_ACCOUNT') return { ok: false, reason: 'last-method' }
		if (error instanceof APIError && error.body?.code === 'SESSION_NOT_FRESH') return { ok: false, reason: 'sign-in-again' }
		throw error
	}
	await recordSecurityEvent(request, context, { type: 'provider-unlinked', userId, provider: account.providerId })
	return { ok: true, provider: account.providerId }
}

// ------------------------------------------------------ emailed sign-in link

/**
 * Sends a sign-in link if the address has an account; says nothing either
 * way (same answer, same minimum time). Throws ThrottledError only for the
 * per-IP limit; beyond the per-address limit no more mail goes out.
 */
export async function requestMagicLink(request: Request, context: ContextReader, email: string): Promise<void> {
	await takeAttempt(SIGN_IN_METHOD_RULES.magicLinkPerIp, clientIpOf(context))
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		const perEmail = await recordHit(SIGN_IN_METHOD_RULES.magicLinkPerEmail, email)
		if (perEmail.count > SIGN_IN_METHOD_RULES.magicLinkPerEmail.limit) return
		const headers = authHeaders(request, context)
		headers.delete('cookie')
		await auth.api.signInMagicLink({ body: { email, callbackURL: '/tasks' }, headers })
	})
	logger.info({ event: 'magic-link-requested' }, 'sign-in link requested')
}

/** The action of "Email me a sign-in link" on /login: the same answer for every address. */
export async function magicLinkIntent(request: Request, context: ContextReader, formData: FormData) {
	const submission = parseWithZod(formData, { schema: MagicLinkRequestSchema })
	if (submission.status !== 'success') {
		return data({ result: submission.reply({ hideFields: ['password'] }) }, { status: 400 })
	}
	try {
		await requestMagicLink(request, context, submission.value.email)
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		return throttledReply(submission, error, { hideFields: ['password'] })
	}
	return redirect('/login?link-sent=1')
}

export type MagicLinkResult = { ok: true; headers: Headers } | { ok: false }

/** Uses the link's token (once): a new session for its account. */
export async function verifyMagicLink(request: Request, context: ContextReader, token: string): Promise<MagicLinkResult> {
	await takeAttempt(SIGN_IN_METHOD_RULES.magicLinkVerifyPerIp, clientIpOf(context))
	const response = await auth.api.magicLinkVerify({
		query: { token, callbackURL: '/tasks', errorCallbackURL: '/login/link' },
		headers: authHeaders(request, context),
		asResponse: true,
	})
	const location = response.headers.get('location') ?? ''
	if (response.status !== 302 || new URL(location, 'http://taskwell.invalid').searchParams.has('error')) {
		logger.info({ event: 'magic-link-refused' }, 'sign-in link refused (used, expired or unknown)')
		return { ok: false }
	}
	return { ok: true, headers: response.headers }
}

// -------------------------------------------------------------- change email

export type EmailChangeResult = { ok: true } | { ok: false; reason: 'incorrect-password' | 'same-email' | 'code-required' | 'wrong-code' }

/**
 * After the proof that the owner asks (the current password; for an account
 * without one, a sign-in within 5 minutes or the code mailed to the current
 * address — never nothing): a link to the new address (the change happens
 * only when it is followed) and a notice to the current one. An address
 * that already has an account gets nothing, and the answer is the same.
 */
export async function requestEmailChange(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	input: { newEmail: string; currentPassword?: string; code?: string },
): Promise<EmailChangeResult> {
	const userId = current.user.id
	if (input.newEmail === current.user.email.toLowerCase()) return { ok: false, reason: 'same-email' }
	const proof = await emailChangeProofOf(current)
	if (proof === 'password') {
		if (!input.currentPassword || !(await checkCurrentPassword(request, context, userId, input.currentPassword)))
			return { ok: false, reason: 'incorrect-password' }
	} else if (input.code) {
		// A code given is checked (and spent), however recent the sign-in.
		if (!(await spendEmailChangeCode(userId, input.code))) return { ok: false, reason: 'wrong-code' }
	} else if (proof !== 'recent-sign-in') {
		return { ok: false, reason: 'code-required' }
	}
	await takeAttempt(SIGN_IN_METHOD_RULES.emailChangePerUser, userId)
	await auth.api.changeEmail({ body: { newEmail: input.newEmail, callbackURL: '/settings' }, headers: authHeaders(request, context) })
	void sendMailInBackground(emailChangeNoticeMessage(current.user.email, input.newEmail))
	await recordSecurityEvent(request, context, { type: 'email-change-requested', userId, sessionId: current.session.id })
	return { ok: true }
}

export type EmailChangeConfirmation = { ok: true } | { ok: false; reason: 'expired' | 'invalid' }

/**
 * Follows the link sent to the new address: the account's email becomes
 * that address, which has now proved it receives mail (so it is verified).
 * Sessions stay.
 */
export async function confirmEmailChange(request: Request, context: ContextReader, token: string): Promise<EmailChangeConfirmation> {
	let claims: { updateTo?: unknown; userId?: unknown; requestType?: unknown }
	try {
		claims = decodeJwt(token)
	} catch {
		return { ok: false, reason: 'invalid' }
	}
	if (typeof claims.updateTo !== 'string' || typeof claims.userId !== 'string' || claims.requestType !== 'change-email-verification') {
		return { ok: false, reason: 'invalid' }
	}
	const outcome = await verifyEmail(token)
	if (!outcome.ok) return outcome
	const ctx = await auth.$context
	const user = await ctx.internalAdapter.findUserById(claims.userId)
	if (!user || user.email !== claims.updateTo) return { ok: false, reason: 'invalid' }
	// Better Auth keeps the old emailVerified; the new address just proved itself.
	if (!user.emailVerified) await ctx.internalAdapter.updateUser(user.id, { emailVerified: true })
	await recordSecurityEvent(request, context, { type: 'email-changed', userId: user.id })
	return { ok: true }
}

// ------------------------------------------------------------------ settings

/**
 * What the Settings sections of issue 10 need: the linked sign-in methods,
 * the providers one could add, and how an email change is proved.
 */
export async function signInMethodsSettingsData(current: CurrentSession) {
	const linked = await listLinkedAccounts(current.user.id)
	const linkable = configuredProviders().filter((provider) => !linked.some((account) => account.providerId === provider.id))
	const withPassword = linked.some((account) => account.providerId === 'credential')
	return { linkedAccounts: linked, linkableProviders: linkable, emailChangeProof: await emailChangeProofOf(current, withPassword) }
}

const SETTINGS_HIDDEN_FIELDS = ['currentPassword', 'code']

const EMAIL_CHANGE_FIELD_ERRORS: Record<Exclude<EmailChangeResult, { ok: true }>['reason'], Record<string, string[]>> = {
	'same-email': { newEmail: ['That is already your email address.'] },
	'incorrect-password': { currentPassword: ['Incorrect password'] },
	'code-required': { code: [EMAIL_CODE_REQUIRED_MESSAGE] },
	'wrong-code': { code: [INVALID_EMAIL_CODE_MESSAGE] },
}

function settingsReply(intent: string, result: unknown, status: number, headers: HeadersInit = {}) {
	return data({ intent, result: result as SubmissionResult<string[]> }, { status, headers })
}

/**
 * The Settings intents of issue 10 (change-email, email-change-code,
 * link-provider, unlink-provider); null for any other intent. Throttled forms answer 429.
 */
export async function signInMethodsSettingsIntent(request: Request, context: ContextReader, current: CurrentSession, formData: FormData) {
	const intent = formData.get('intent')
	const userId = current.user.id
	try {
		switch (intent) {
			case 'change-email': {
				// A password account gives its password; one without, a code (or a recent sign-in).
				const schema = (await hasPassword(userId)) ? ChangeEmailSchema : ChangeEmailWithCodeSchema
				const submission = parseWithZod(formData, { schema })
				if (submission.status !== 'success') return settingsReply(intent, submission.reply({ hideFields: SETTINGS_HIDDEN_FIELDS }), 400)
				const outcome = await requestEmailChange(request, context, current, submission.value)
				if (!outcome.ok) {
					const fieldErrors = EMAIL_CHANGE_FIELD_ERRORS[outcome.reason]
					return settingsReply(intent, submission.reply({ fieldErrors, hideFields: SETTINGS_HIDDEN_FIELDS }), 400)
				}
				return redirect(`/settings?${new URLSearchParams({ 'email-change': 'sent', to: submission.value.newEmail })}`)
			}
			case 'email-change-code': {
				const submission = parseWithZod(formData, { schema: SendEmailChangeCodeSchema })
				if (submission.status !== 'success') return settingsReply(intent, submission.reply(), 400)
				if (await hasPassword(userId)) {
					return settingsReply(intent, submission.reply({ formErrors: ['Your account has a password: use it to change your email.'] }), 400)
				}
				await sendEmailChangeCode(current)
				return redirect('/settings?email-code=sent#change-email-heading')
			}
			case 'link-provider': {
				const submission = parseWithZod(formData, { schema: LinkProviderSchema })
				if (submission.status !== 'success' || !isConfiguredProvider(submission.value.provider)) {
					return settingsReply(intent, submission.reply({ formErrors: ['That sign-in provider is not available.'] }), 400)
				}
				try {
					return await startProviderLink(request, context, userId, submission.value.provider)
				} catch (error) {
					if (!isProviderUnavailable(error)) throw error
					return settingsReply(intent, submission.reply({ formErrors: [PROVIDER_UNAVAILABLE_MESSAGE] }), 503)
				}
			}
			case 'unlink-provider': {
				const submission = parseWithZod(formData, { schema: UnlinkProviderSchema })
				if (submission.status !== 'success') return settingsReply(intent, submission.reply(), 400)
				const outcome = await unlinkProvider(request, context, userId, submission.value.accountId)
				if (!outcome.ok) {
					const message = {
						'last-method': 'This is your only way to sign in: add another before removing it.',
						'not-found': 'That sign-in method is no longer linked.',
						'sign-in-again': 'For your safety, sign out and sign in again before removing a sign-in method.',
					}[outcome.reason]
					return settingsReply(intent, submission.reply({ formErrors: [message] }), outcome.reason === 'not-found' ? 404 : 400)
				}
				return redirect(`/settings?unlinked=${encodeURIComponent(outcome.provider)}`)
			}
			default:
				return null
		}
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		return settingsReply(
			String(intent),
			{ status: 'error', error: { '': [throttleMessage(error.retryAfterSeconds)] } } satisfies SubmissionResult<string[]>,
			429,
			{ 'Retry-After': String(error.retryAfterSeconds) },
		)
	}
}
