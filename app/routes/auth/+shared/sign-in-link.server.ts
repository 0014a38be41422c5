/**
 * The emailed sign-in link on the server: "Email me a sign-in link" on
 * /login sends it (the same answer for every address), and /login/link uses
 * its token once for a new session. Through auth.api (Better Auth's magic
 * link plugin), behind the app's throttles.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { recordHit, takeAttempt, orThrottledReply } from '#app/lib/throttle.server.ts'
import { atLeast, NEUTRAL_RESPONSE_MS } from './neutral-answer.server.ts'
import { MagicLinkRequestSchema } from './schemas.ts'

/**
 * Sends a sign-in link if the address has an account; says nothing either
 * way (same answer, same minimum time). Throws ThrottledError only for the
 * per-IP limit; beyond the per-address limit no more mail goes out.
 */
export async function requestMagicLink(request: Request, context: ContextReader, email: string): Promise<void> {
	await takeAttempt(THROTTLE_RULES.magicLinkPerIp, clientIpOf(context))
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		const perEmail = await recordHit(THROTTLE_RULES.magicLinkPerEmail, email)
		if (perEmail.count > THROTTLE_RULES.magicLinkPerEmail.limit) return
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
	return orThrottledReply(submission, { hideFields: ['password'] }, async () => {
		await requestMagicLink(request, context, submission.value.email)
		return redirect('/login?link-sent=1')
	})
}

export type MagicLinkResult = { ok: true; headers: Headers } | { ok: false; suspended?: boolean }

/** Uses the link's token (once): a new session for its account. */
export async function verifyMagicLink(request: Request, context: ContextReader, token: string): Promise<MagicLinkResult> {
	await takeAttempt(THROTTLE_RULES.magicLinkVerifyPerIp, clientIpOf(context))
	const response = await auth.api.magicLinkVerify({
		query: { token, callbackURL: '/tasks', errorCallbackURL: '/login/link' },
		headers: authHeaders(request, context),
		asResponse: true,
	})
	// Suspended by an admin: Better Auth's admin plugin refused the session (a 403 with its code).
	if (
		response.status === 403 &&
		(
			await response
				.clone()
				.json()
				.catch(() => null)
		)?.code === 'BANNED_USER'
	) {
		logger.info({ event: 'magic-link-refused-suspended' }, 'sign-in link refused: the account is suspended')
		return { ok: false, suspended: true }
	}
	const location = response.headers.get('location') ?? ''
	if (response.status !== 302 || new URL(location, 'http://taskwell.invalid').searchParams.has('error')) {
		logger.info({ event: 'magic-link-refused' }, 'sign-in link refused (used, expired or unknown)')
		return { ok: false }
	}
	return { ok: true, headers: response.headers }
}
