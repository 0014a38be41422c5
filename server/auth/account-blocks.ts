/**
 * Suspended accounts (issue 22): "the task API refuses calls for that
 * account within 1 s, including with a token minted before the suspension",
 * on every instance, without a database query on every request.
 *
 * - Each process keeps a snapshot of the account_status rows that can refuse
 *   anything now: accounts suspended until a later time, and accounts whose
 *   tokens_valid_after is recent enough for a token the verifier accepts to
 *   predate it (tokens live 5 minutes, plus 30 s of clock tolerance: older
 *   rows cannot matter, so the snapshot stays as small as the suspensions).
 * - A snapshot is reused only while the query that made it *started* less
 *   than `maxAgeMs` (500 ms) ago; a request that finds it older awaits a
 *   fresh one, and concurrent requests share the refresh in flight under the
 *   same rule (as the app's session cache does,
 *   app/lib/auth/session-cache.server.ts). So a request arriving 500 ms or
 *   more after PUT /v1/me/status answered — on any instance — is decided by
 *   a query that started after the change: no cross-instance message needed.
 * - A refresh that fails is never kept: the requests waiting for it answer
 *   503 (Retry-After), never "let through"; the next request tries again.
 * - Refused: the account is suspended now (suspended_until later than now),
 *   or the token's `iat` is earlier than tokens_valid_after (set when a
 *   suspension starts, kept when it is lifted). Both are 401 invalid_token
 *   "This account is suspended.": it is the app that calls, and it knows why.
 * - PUT /v1/me/status is exempt: it is how a suspension is lifted.
 */
import { gt, or, sql } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { ACCOUNT_SUSPENDED_DETAIL } from '#common/accounts-contract.ts'
import type { Logger } from '#common/logger.ts'
import type { ApiEnv } from '#server/context.ts'
import { accountStatus } from '#server/db/schema.ts'
import { problem } from '#server/problem.ts'
import type { TasksDb } from '#server/tasks/repository.ts'

/** How long a snapshot is reused, from the start of its query. Keep it well under 1 s (the suspension bound, above). */
export const ACCOUNT_BLOCKS_MAX_AGE_MS = 500
const RETRY_AFTER_SECONDS = 5

/** An account's refusals, in ms since the epoch (Infinity: a suspension with no end). */
type Block = { suspendedUntil: number | null; tokensValidAfter: number | null }
type Snapshot = { startedAt: number; blocks: Map<string, Block> }

export type AccountBlocks = {
	/**
	 * True when calls for `userId` with a token issued at `issuedAt` (seconds)
	 * are refused now. Rejects when no snapshot young enough can be read.
	 */
	refuses(userId: string, issuedAt: number): Promise<boolean>
}

/** ms since the epoch from extract(epoch …) * 1000 (numeric: a string on some drivers; 'Infinity' for 'infinity'). */
const epochMs = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

export function createAccountBlocks(db: TasksDb, options: { maxAgeMs?: number; logger?: Logger } = {}): AccountBlocks {
	const maxAge = options.maxAgeMs ?? ACCOUNT_BLOCKS_MAX_AGE_MS
	const query = db
		.select({
			userId: accountStatus.userId,
			suspendedUntil: sql<unknown>`extract(epoch from ${accountStatus.suspendedUntil}) * 1000`,
			tokensValidAfter: sql<unknown>`extract(epoch from ${accountStatus.tokensValidAfter}) * 1000`,
		})
		.from(accountStatus)
		// 6 minutes: the oldest `iat` the verifier accepts is 5 min 30 s ago.
		.where(or(gt(accountStatus.suspendedUntil, sql`now()`), gt(accountStatus.tokensValidAfter, sql`now() - interval '6 minutes'`)))
		.prepare('account_blocks')

	/** The newest snapshot read (by the start of its query). */
	let current: Snapshot | null = null
	/** The newest refresh in flight. */
	let pending: { startedAt: number; done: Promise<Snapshot> } | null = null
	const young = (startedAt: number) => performance.now() - startedAt < maxAge

	function refresh(): Promise<Snapshot> {
		const startedAt = performance.now()
		const done = query.execute().then((rows) => {
			const blocks = new Map<string, Block>()
			for (const row of rows) {
				blocks.set(row.userId, { suspendedUntil: epochMs(row.suspendedUntil), tokensValidAfter: epochMs(row.tokensValidAfter) })
			}
			const snapshot = { startedAt, blocks }
			// A slow older refresh never replaces a newer snapshot.
			if (!current || current.startedAt < startedAt) current = snapshot
			return snapshot
		})
		const entry = { startedAt, done }
		pending = entry
		done.then(
			() => {
				if (pending === entry) pending = null
			},
			(error: unknown) => {
				if (pending === entry) pending = null
				options.logger?.error({ err: error }, 'cannot read the account statuses')
			},
		)
		return done
	}

	function snapshot(): Snapshot | Promise<Snapshot> {
		if (current && young(current.startedAt)) return current
		if (pending && young(pending.startedAt)) return pending.done
		return refresh()
	}

	return {
		async refuses(userId, issuedAt) {
			const block = (await snapshot()).blocks.get(userId)
			if (!block) return false
			if (block.suspendedUntil !== null && block.suspendedUntil > Date.now()) return true
			return block.tokensValidAfter !== null && issuedAt * 1000 < block.tokensValidAfter
		},
	}
}

/**
 * Middleware for the /v1 routes, after the bearer token: 401 for a refused
 * account or token, 503 when the statuses cannot be read. `exempt` requests
 * (PUT /v1/me/status) pass unchecked.
 */
export function refuseBlockedAccounts(
	blocks: AccountBlocks,
	exempt: (method: string, path: string, scope: string | undefined) => boolean,
): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		if (exempt(c.req.method, c.req.path, c.var.scope)) return next()
		let refused: boolean
		try {
			refused = await blocks.refuses(c.var.userId, c.var.tokenIssuedAt)
		} catch {
			return problem(c, 503, 'The account status cannot be read right now; try again shortly.', {
				headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
			})
		}
		if (refused) {
			return problem(c, 401, ACCOUNT_SUSPENDED_DETAIL, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
		}
		await next()
	}
}
