/**
 * The pages that must not tell whether an address has an account (forgot
 * password, send the confirmation again, email me a sign-in link) answer
 * the same, after the same minimum time, whichever branch ran.
 */

export const NEUTRAL_RESPONSE_MS = 400

/** The same minimum duration whichever branch ran (no timing oracle). */
export async function atLeast<T>(ms: number, work: () => Promise<T>): Promise<T> {
	const start = Date.now()
	try {
		return await work()
	} finally {
		const remaining = ms - (Date.now() - start)
		if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining))
	}
}
