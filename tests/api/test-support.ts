/**
 * Test helpers for the task API (not a test file): a JWKS server with keys
 * made by jose, token forging, and the API itself on port 0 over a fresh
 * database (tests/support/fresh-database.ts picked DATABASE_URL or DATA_DIR).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { pino } from 'pino'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { openDatabase, type OpenedDatabase } from '#common/database.ts'
import { REDACTED_PATHS } from '#common/logger.ts'
import { createApp } from '#server/app.ts'
import { createAccountBlocks } from '#server/auth/account-blocks.ts'
import { createTokenVerifier } from '#server/auth/verify-token.ts'
import { schema, type TasksSchema } from '#server/db/schema.ts'
import type { TaskLimits, WorkspaceLimits } from '#server/tasks/limits.ts'

export const ISSUER = 'http://localhost:3000'
/** Creating an embedded database is slow on a busy 2-core machine. */
export const SLOW_START_MS = 180_000
export const AUDIENCE = 'taskwell-tasks-api'

export type SigningKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK }

export async function makeSigningKey(kid: string): Promise<SigningKey> {
	const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
	const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }
	return { kid, privateKey, publicKey, publicJwk }
}

function listen(server: Server): Promise<number> {
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
	})
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.closeAllConnections()
		server.close(() => resolve())
	})
}

export type JwksServer = {
	url: string
	keys: SigningKey[]
	/** How many times the key set was fetched. */
	hits: number
	/** 'up' serves the keys; 'error' answers 500; 'down' is handled by close(). */
	mode: 'up' | 'error'
	close(): Promise<void>
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
	const jwks: JwksServer = { url: '', keys, hits: 0, mode: 'up', close: async () => {} }
	const server = createServer((req, res) => {
		jwks.hits += 1
		if (jwks.mode === 'error') {
			res.statusCode = 500
			res.end('oops')
			return
		}
		res.setHeader('content-type', 'application/json')
		res.end(JSON.stringify({ keys: jwks.keys.map((key) => key.publicJwk) }))
	})
	const port = await listen(server)
	jwks.url = `http://127.0.0.1:${port}/api/auth/jwks`
	jwks.close = () => closeServer(server)
	return jwks
}

/** A token shaped like the app's: EdDSA, kid, sub/iat/exp/iss/aud only. */
export function signToken(
	key: SigningKey,
	claims: JWTPayload & { sub?: string } = {},
	options: { header?: Record<string, unknown>; omit?: Array<'sub' | 'iat' | 'exp' | 'iss' | 'aud'> } = {},
): Promise<string> {
	const now = Math.floor(Date.now() / 1000)
	const payload: JWTPayload = { sub: 'user-1', iat: now, exp: now + 300, iss: ISSUER, aud: AUDIENCE, ...claims }
	for (const claim of options.omit ?? []) delete payload[claim]
	return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT', ...options.header }).sign(key.privateKey)
}

export type LogLine = Record<string, unknown>

/** The task API's database for this test file (not yet migrated). */
export function openTasksDatabase(pools: {
	maxConnections: number
	maxCustomPlanConnections: number
}): Promise<OpenedDatabase<TasksSchema>> {
	return openDatabase({
		databaseUrl: process.env.DATABASE_URL,
		dataDir: process.env.DATA_DIR ?? '.data',
		name: 'tasks',
		schema,
		migrationsFolder: path.resolve('drizzle/tasks'),
		migrationsTable: '__drizzle_migrations_tasks',
		...pools,
	})
}

export type RunningApi = {
	url: string
	database: OpenedDatabase<TasksSchema>
	logs: LogLine[]
	close(): Promise<void>
}

/**
 * The API on 127.0.0.1:<random>, on this test file's fresh database, or on
 * the database of an API already running in this file (`sharing`: PGlite is
 * single-process, and a second embedded database is slow to create).
 */
export async function startApi(options: {
	jwksUrl: string
	minFetchIntervalMs?: number
	timeoutMs?: number
	sharing?: RunningApi
	limits?: TaskLimits
	workspaceLimits?: WorkspaceLimits
	/** How long this instance reuses its snapshot of suspended accounts (default 500 ms). */
	accountBlocksMaxAgeMs?: number
	/** Adds routes to the app before it serves (e.g. to show a new route needs no second edit). */
	extend?: (app: ReturnType<typeof createApp>) => void
}): Promise<RunningApi> {
	const ownDatabase = !options.sharing
	const database = options.sharing?.database ?? (await openTasksDatabase({ maxConnections: 4, maxCustomPlanConnections: 2 }))
	if (ownDatabase) await database.migrate()
	const logs: LogLine[] = []
	const logger = pino(
		{ level: 'info', base: { service: 'tasks-api' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
		{ write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
	)
	const app = createApp({
		db: database.db,
		customPlanDb: database.customPlanDb,
		pingDatabase: database.ping,
		verifier: createTokenVerifier({
			jwksUrl: options.jwksUrl,
			issuer: ISSUER,
			audience: AUDIENCE,
			minFetchIntervalMs: options.minFetchIntervalMs,
			timeoutMs: options.timeoutMs,
		}),
		logger,
		limits: options.limits,
		workspaceLimits: options.workspaceLimits,
		accountBlocks:
			options.accountBlocksMaxAgeMs === undefined
				? undefined
				: createAccountBlocks(database.db, { maxAgeMs: options.accountBlocksMaxAgeMs, logger }),
	})
	options.extend?.(app)
	const server = await new Promise<Server>((resolve) => {
		const httpServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(httpServer as Server))
	})
	let closed = false
	const close = async () => {
		if (closed) return
		closed = true
		await closeServer(server)
		if (ownDatabase) await database.close()
	}
	onTestDatabaseTeardown(close)
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, database, logs, close }
}

/**
 * For this test file: a signing key, a key-set server publishing it, and the
 * API verifying against that server (both closed after the file).
 */
export async function startApiWithKey(options: Omit<Parameters<typeof startApi>[0], 'jwksUrl'> = {}) {
	const key = await makeSigningKey('key-1')
	const jwks = await startJwksServer([key])
	onTestDatabaseTeardown(() => jwks.close())
	const api = await startApi({ ...options, jwksUrl: jwks.url })
	let users = 0
	/** A user of its own (a fresh sub) and a token for it: tests do not see each other's tasks. */
	const newUser = async () => {
		users += 1
		const sub = `user-${users}-${crypto.randomUUID()}`
		return { sub, token: await signToken(key, { sub }) }
	}
	return { key, jwks, api, newUser }
}

/** fetch with a bearer token and a JSON body. */
export function call(
	api: { url: string },
	method: string,
	pathname: string,
	options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
	const headers: Record<string, string> = { ...options.headers }
	if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
	let body: string | undefined
	if (options.body !== undefined) {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
		headers['content-type'] ??= 'application/json'
	}
	return fetch(`${api.url}${pathname}`, { method, headers, body })
}
