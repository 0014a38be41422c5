/**
 * Password strength, judged on the server by zxcvbn-ts with its common and
 * English dictionaries. The dictionaries are turned into lookup tables once,
 * when this module loads (at server start: the server build imports every
 * route module, and the routes that set passwords import this), never on a
 * request. One estimate then costs about a millisecond (see
 * password-strength.server.test.ts, which prints the figure).
 *
 * Refused, with the reason: a score below 3 ("safely unguessable: moderate
 * protection from offline slow-hash scenario"), or a password containing the
 * name part of the user's email or Taskwell's name (the shared schema checks
 * those two in the browser too: passwordNameProblem in schemas/auth.ts).
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'
import type { z } from 'zod'
import { PASSWORD_MAX_LENGTH, passwordNameProblem } from './schemas/auth.ts'

export const MIN_PASSWORD_SCORE = 3

const estimator = new ZxcvbnFactory({
	translations: english.translations,
	graphs: common.adjacencyGraphs,
	dictionary: { ...common.dictionary, ...english.dictionary },
	useLevenshteinDistance: true,
})
// The first check builds the remaining lazy tables: do it now, not on a request.
estimator.check('warm up the estimator')

/** Why a new password is refused, or null when it is strong enough. */
export function weakPasswordReason(password: string, email?: string | null): string | null {
	const named = passwordNameProblem(password, email)
	if (named) return named
	// Only lengths the schema allows get here; the estimator sees all of it (no truncation).
	if (password.length > PASSWORD_MAX_LENGTH) return null
	const local = email?.split('@')[0]
	const result = estimator.check(password, ['taskwell', ...(local ? [local] : [])])
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
		if (typeof password !== 'string') return
		const formEmail = typeof value.email === 'string' ? value.email : null
		const reason = weakPasswordReason(password, email ?? formEmail)
		if (reason) ctx.addIssue({ code: 'custom', path: [field], message: reason })
	})
}
