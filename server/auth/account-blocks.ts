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
 *
 * Revoked access tokens (issue 26) ride on the same snapshot: the same
 * query also reads the revoked_access_token rows of the last 6 minutes
 * (UNION ALL: one round trip per refresh). A JWT whose `tid` is among them
 * is refused, 401 invalid_token "This access token has been revoked.", on
 * every route (the exempt ones too: they are not for access tokens), so
 * within 1 s of the revocation's 204 on every instance. Older rows cannot
 * matter: a revoked access token mints no new JWT, and a JWT minted before
 * the revocation is refused by the verifier 5 minutes (and 30 s of clock
 * tolerance) after its `iat`. Revoked comes before suspended: it is the
 * token's own, final, answer.
 */
import { gt, or, sql } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { ACCESS_TOKEN_REVOKED_DETAIL } from '#common/access-tokens-contract.ts'
import { ACCOUNT_SUSPENDED_DETAIL } from '#common/accounts-contract.ts'
import type { Logger } from '#common/logger.ts'
import type { ApiEnv } from '#server/context.ts'
import { accountStatus, revokedAccessToken } from '#server/db/schema.ts'
import { problem } from '#server/problem.ts'
import type { TasksDb } from '#server/tasks/repository.ts'

/** How long a snapshot is reused, from the start of its query. Keep it well under 1 s (the suspension bound, above). */
export const ACCOUNT_BLOCKS_MAX_AGE_MS = 500
const RETRY_AFTER_SECONDS = 5

/** An account's refusals, in ms since the epoch (Infinity: a suspension with no end). */
type Block = { suspendedUntil: number | null; tokensValidAfter: number | null }
type Snapshot = { startedAt: number; blocks: Map<string, Block>; revokedTokens: Set<string> }

/** Why a token is refused: its account is suspended (or the token predates the last suspension), or its access token was revoked. */
export type Refusal = 'suspended' | 'revoked'

/** What the check needs of a verified token: its `sub`, its `iat` (seconds) and, for an access-token JWT, its `tid`. */
export type CheckedToken = { userId: string; issuedAt: number; tokenId?: string | undefined }

export type AccountBlocks = {
	/**
	 * Why calls with `token` are refused now, or null: 'revoked' when its
	 * `tid` was revoked, else 'suspended' when its account is (unless
	 * `suspension` is false: an exempt route). Rejects when no snapshot young
	 * enough can be read.
	 */
	refusal(token: CheckedToken, options?: { suspension?: boolean }): Promise<Refusal | null>
}

/** ms since the epoch from extract(epoch …) * 1000 (numeric: a string on some drivers; 'Infinity' for 'infinity'). */
const epochMs = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

export function createAccountBlocks(db: TasksDb, options: { maxAgeMs?: number; logger?: Logger } = {}): AccountBlocks {
	const maxAge = options.maxAgeMs ?? ACCOUNT_BLOCKS_MAX_AGE_MS
	// One statement: the account statuses (tokenId null) and the revoked access tokens (tokenId set).
	const query = db
		.select({
			userId: accountStatus.userId,
			tokenId: sql<string | null>`null`,
			suspendedUntil: sql<unknown>`extract(epoch from ${accountStatus.suspendedUntil}) * 1000`,
			tokensValidAfter: sql<unknown>`extract(epoch from ${accountStatus.tokensValidAfter}) * 1000`,
		})
		.from(accountStatus)
		// 6 minutes: the oldest `iat` the verifier accepts is 5 min 30 s ago.
		.where(or(gt(accountStatus.suspendedUntil, sql`now()`), gt(accountStatus.tokensValidAfter, sql`now() - interval '6 minutes'`)))
		.unionAll(
			db
				.select({
					userId: revokedAccessToken.userId,
					tokenId: sql<string | null>`${revokedAccessToken.tokenId}`,
					suspendedUntil: sql<unknown>`null`,
					tokensValidAfter: sql<unknown>`null`,
				})
				.from(revokedAccessToken)
				// The same 6 minutes: a JWT minted before the revocation is refused by the verifier after that.
				.where(gt(revokedAccessToken.revokedAt, sql`now() - interval '6 minutes'`)),
		)
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
			const revokedTokens = new Set<string>()
			for (const row of rows) {
				if (typeof row.tokenId === 'string') revokedTokens.add(row.tokenId)
				else blocks.set(row.userId, { suspendedUntil: epochMs(row.suspendedUntil), tokensValidAfter: epochMs(row.tokensValidAfter) })
			}
			const snapshot = { startedAt, blocks, revokedTokens }
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
		async refusal({ userId, issuedAt, tokenId }, { suspension = true } = {}) {
			const { blocks, revokedTokens } = await snapshot()
			if (tokenId !== undefined && revokedTokens.has(tokenId)) return 'revoked'
			if (!suspension) return null
			const block = blocks.get(userId)
			if (!block) return null
			if (block.suspendedUntil !== null && block.suspendedUntil > Date.now()) return 'suspended'
			return block.tokensValidAfter !== null && issuedAt * 1000 < block.tokensValidAfter ? 'suspended' : null
		},
	}
}

const REFUSAL_DETAILS: Record<Refusal, string> = { suspended: ACCOUNT_SUSPENDED_DETAIL, revoked: ACCESS_TOKEN_REVOKED_DETAIL }

/**
 * Middleware for the /v1 routes, after the bearer token: 401 for a refused
 * account or token, 503 when the statuses cannot be read. `exempt` requests
 * (PUT /v1/me/status, …) pass the suspension check; only an access-token
 * JWT's revocation is checked on them.
 */
export function refuseBlockedAccounts(
	blocks: AccountBlocks,
	exempt: (method: string, path: string, scope: string | undefined) => boolean,
): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		const suspension = !exempt(c.req.method, c.req.path, c.var.scope)
		if (!suspension && c.var.tokenId === undefined) return next()
		let refusal: Refusal | null
		try {
			refusal = await blocks.refusal({ userId: c.var.userId, issuedAt: c.var.tokenIssuedAt, tokenId: c.var.tokenId }, { suspension })
		} catch {
			return problem(c, 503, 'The account status cannot be read right now; try again shortly.', {
				headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
			})
		}
		if (refusal) {
			return problem(c, 401, REFUSAL_DETAILS[refusal], { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
		}
		await next()
	}
}
