/**
 * Password strength, judged on the server by zxcvbn-ts with its common and
 * English dictionaries. The dictionaries are turned into lookup tables once,
 * when this module loads (at server start: the server build imports every
 * route module, and the routes that set passwords import this), never on a
 * request. One estimate then costs a few milliseconds (the "estimator cost"
 * test in tests/integration/security-events.test.ts prints the figure).
 *
 * Refused, with the reason: a password containing the name part of the
 * user's email or Taskwell's name (the shared schema checks those two in the
 * browser too: passwordNameProblem in schemas/auth.ts), one of the 100,000
 * most common breached passwords (breached-passwords.server.ts: zxcvbn's own
 * dictionaries are smaller, and it scores some of those as strong), or a
 * score below 3 ("safely unguessable: moderate protection from offline
 * slow-hash scenario").
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'
import type { z } from 'zod'
import { BREACHED_PASSWORD_MESSAGE, isBreachedPassword } from './breached-passwords.server.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordNameProblem } from '#app/lib/auth/account-fields.ts'

export const MIN_PASSWORD_SCORE = 3

const estimator = new ZxcvbnFactory({
	translations: english.translations,
	graphs: common.adjacencyGraphs,
	dictionary: { ...common.dictionary, ...english.dictionary },
	// Off: matching every dictionary by edit distance costs ~0.7 s a call.
	useLevenshteinDistance: false,
})

/**
 * The estimator's cost grows quickly with length (a 64-character password
 * takes ~30 ms): it judges the first 64 characters. The password itself is
 * never truncated (up to 128 characters are stored and checked in full).
 */
export const ESTIMATED_LENGTH = 64
// The first check builds the remaining lazy tables: do it now, not on a request.
estimator.check('warm up the estimator')

/** Why a new password is refused, or null when it is strong enough. */
export function weakPasswordReason(password: string, email?: string | null, { nameChecked = false } = {}): string | null {
	const named = nameChecked ? null : passwordNameProblem(password, email)
	if (named) return named
	if (password.length > PASSWORD_MAX_LENGTH) return null
	if (isBreachedPassword(password)) return BREACHED_PASSWORD_MESSAGE
	return guessableReason(password, email)
}

/** The estimator's verdict alone (no name or breach check), or null when it scores 3 or more. */
export function guessableReason(password: string, email?: string | null): string | null {
	const local = email?.split('@')[0]
	const result = estimator.check(password.slice(0, ESTIMATED_LENGTH), ['taskwell', ...(local ? [local] : [])])
	if (result.score >= MIN_PASSWORD_SCORE) return null
	const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ')
	return `This password is too easy to guess.${why ? ` ${why}` : ''} Try a longer phrase of unrelated words.`
}

/**
 * `schema` with the strength check added on `field` (the new password). The
 * email is the form's own `email` field (sign-up) or the account's.
 */
export function withStrongPassword<Schema extends z.ZodType<Record<string, unknown>>>(
	schema: Schema,
	field: string,
	email?: string | null,
) {
	return schema.superRefine((value, ctx) => {
		const password = value[field]
		// A length error already says what is wrong.
		if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return
		const formEmail = typeof value.email === 'string' ? value.email : null
		// A form with its own email field (sign-up) already checked names in its shared schema.
		const reason = weakPasswordReason(password, email ?? formEmail, { nameChecked: !email && formEmail !== null })
		if (reason) ctx.addIssue({ code: 'custom', path: [field], message: reason })
	})
}
