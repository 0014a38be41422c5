/**
 * Fixed-window throttling of sign-in and sign-up, per IP and per email.
 * Counters live in Postgres (auth_throttle) and are updated atomically with
 * one upsert (common/rate-counter.ts, shared with the task API), so any
 * number of app instances share them.
 *
 * Why not a library: rate-limiter-flexible (the usual choice) has no store
 * for postgres.js or PGlite, and Better Auth's own limiter does not run for
 * server-side auth.api calls. The logic is one SQL statement.
 */
import { eq, sql } from 'drizzle-orm'
import { data } from 'react-router'
import { fixedWindowHit, type RateCount } from '#common/rate-counter.ts'
import { db } from './db.server.ts'
import { authThrottle } from './db/schema.ts'

export type ThrottleRule = {
	/** Counter namespace, e.g. "sign-in-failure:email". */
	name: string
	limit: number
	windowSeconds: number
}

// The rules themselves: THROTTLE_RULES in app/lib/throttle-rules.server.ts.

export type ThrottleState = RateCount

function keyOf(rule: ThrottleRule, subject: string) {
	return `${rule.name}:${subject}`
}

/** Counts one event; returns the count in the current window. */
export async function recordHit(rule: ThrottleRule, subject: string): Promise<ThrottleState> {
	const hit = fixedWindowHit(authThrottle, rule.windowSeconds)
	const [row] = await db
		.insert(authThrottle)
		.values({ key: keyOf(rule, subject), ...hit.values })
		.onConflictDoUpdate(hit.onConflict)
		.returning(hit.returning)
	return hit.countOf(row)
}

/**
 * Counts one attempt before the work it guards (a password check), and
 * throws ThrottledError when it is over the limit: N attempts in parallel
 * never do the work more than `limit` times, as the count is one atomic
 * upsert. Hand the attempt back with giveBack() when it is not to count.
 */
export async function takeAttempt(rule: ThrottleRule, subject: string): Promise<void> {
	const state = await recordHit(rule, subject)
	if (state.count > rule.limit) throw new ThrottledError(state.retryAfterSeconds)
}

/** Un-counts one attempt (a right password) in the current window. */
export async function giveBack(rule: ThrottleRule, subject: string): Promise<void> {
	await db
		.update(authThrottle)
		.set({ count: sql`greatest(${authThrottle.count} - 1, 0)` })
		.where(sql`${authThrottle.key} = ${keyOf(rule, subject)} and ${authThrottle.windowEndsAt} > now()`)
}

export async function clear(rule: ThrottleRule, subject: string): Promise<void> {
	await db.delete(authThrottle).where(eq(authThrottle.key, keyOf(rule, subject)))
}

export class ThrottledError extends Error {
	constructor(readonly retryAfterSeconds: number) {
		super('Too many attempts')
	}
}

/** "Too many attempts. Try again in 14 minutes." */
export function throttleMessage(retryAfterSeconds: number): string {
	const minutes = Math.ceil(retryAfterSeconds / 60)
	const wait =
		retryAfterSeconds < 60
			? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`
			: `${minutes} minute${minutes === 1 ? '' : 's'}`
	return `Too many attempts. Try again in ${wait}.`
}

/**
 * What a throttled form post answers: the form re-rendered with the wait as
 * its error (passwords left out), status 429 and Retry-After. `extra` goes
 * into the action data beside `result` (e.g. which settings form it was).
 */
export function throttledReply<Result, Extra extends Record<string, unknown> = Record<never, never>>(
	submission: { reply(options: { formErrors: string[]; hideFields?: string[] }): Result },
	error: ThrottledError,
	{ hideFields, headers, extra }: { hideFields?: string[]; headers?: Record<string, string>; extra?: Extra } = {},
) {
	return data(
		{
			...(extra as Extra),
			result: submission.reply({ formErrors: [throttleMessage(error.retryAfterSeconds)], hideFields }),
		},
		{ status: 429, headers: { ...headers, 'Retry-After': String(error.retryAfterSeconds) } },
	)
}

/**
 * Runs a form's work; a ThrottledError from it becomes throttledReply()
 * (the form again with the wait, 429), anything else is thrown on.
 */
export async function orThrottledReply<Work, Result, Extra extends Record<string, unknown> = Record<never, never>>(
	submission: Parameters<typeof throttledReply<Result, Extra>>[0],
	options: Parameters<typeof throttledReply<Result, Extra>>[2],
	work: () => Promise<Work>,
) {
	try {
		return await work()
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		return throttledReply(submission, error, options)
	}
}
