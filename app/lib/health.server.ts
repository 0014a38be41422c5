/**
 * What the load balancer asks the app (GET /healthz, GET /readyz):
 * - alive: the process answers (no dependency is consulted);
 * - ready: the database answers and a signing key can be loaded — the one
 *   Better Auth's jwt plugin would sign the next token with (created when
 *   there is none or the newest has expired, decrypted with the current
 *   secret). An instance that cannot mint tokens cannot serve tasks.
 * Each check is bounded, so a hung dependency makes the answer "not ready",
 * not a hung health check. During a graceful stop the Node server answers
 * /readyz with 503 itself (app-server.ts).
 */
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { database } from './db.server.ts'
import { logger } from './logger.server.ts'
import { withTimeout } from '#common/with-timeout.ts'

export const READY_CHECK_TIMEOUT_MS = 3_000
/** Never a usable token: no subject, an audience nobody accepts, already expired. */
const PROBE_AUDIENCE = 'taskwell-readiness-probe'

export type Readiness = {
	ready: boolean
	checks: { database: 'ok' | 'failing'; signingKey: 'ok' | 'failing' }
}

async function passes(name: string, check: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
	try {
		await withTimeout(check(), timeoutMs)
		return true
	} catch (error) {
		logger.warn(
			{ check: name, err: error instanceof Error ? { name: error.name, message: error.message } : undefined },
			'readiness check failed',
		)
		return false
	}
}

export async function checkReadiness(timeoutMs = READY_CHECK_TIMEOUT_MS): Promise<Readiness> {
	const [databaseOk, signingKeyOk] = await Promise.all([
		passes('database', () => database.ping(), timeoutMs),
		passes(
			'signingKey',
			() => auth.api.signJWT({ body: { payload: { aud: PROBE_AUDIENCE, exp: Math.floor(Date.now() / 1000) - 60 } } }),
			timeoutMs,
		),
	])
	return {
		ready: databaseOk && signingKeyOk,
		checks: { database: databaseOk ? 'ok' : 'failing', signingKey: signingKeyOk ? 'ok' : 'failing' },
	}
}
