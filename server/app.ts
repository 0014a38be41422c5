/**
 * The task API as a Hono app, built from its dependencies (database, token
 * verifier, logger) so tests start it on port 0 with their own.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { matchedRoutes } from 'hono/route'
import type { Logger } from '../common/logger.ts'
import { requireBearerToken } from './auth/bearer.ts'
import type { TokenVerifier } from './auth/verify-token.ts'
import type { ApiEnv } from './context.ts'
import { fieldErrors, problem, ProblemError, validationProblem } from './problem.ts'
import type { TasksDb } from './tasks/repository.ts'
import { registerTaskRoutes } from './tasks/routes.ts'

export const MAX_BODY_BYTES = 64 * 1024
const READY_TIMEOUT_MS = 3_000

export type AppDeps = {
	db: TasksDb
	/** Answers when the database does (OpenedDatabase.ping). */
	pingDatabase: () => Promise<void>
	verifier: TokenVerifier
	logger: Logger
	/** True once a graceful stop has begun: /readyz answers 503. */
	isStopping?: () => boolean
}

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Cache-Control': 'no-store',
	'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
	'Referrer-Policy': 'no-referrer',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'X-Frame-Options': 'DENY',
}

/** Every path the API serves and its methods (HEAD comes with GET). */
const KNOWN_PATHS: Array<{ pattern: RegExp; route: string; methods: string[] }> = [
	{ pattern: /^\/healthz$/, route: '/healthz', methods: ['GET', 'HEAD'] },
	{ pattern: /^\/readyz$/, route: '/readyz', methods: ['GET', 'HEAD'] },
	{ pattern: /^\/openapi\.json$/, route: '/openapi.json', methods: ['GET', 'HEAD'] },
	{ pattern: /^\/v1\/tasks$/, route: '/v1/tasks', methods: ['GET', 'HEAD', 'POST', 'DELETE'] },
	{ pattern: /^\/v1\/tasks\/[^/]+$/, route: '/v1/tasks/:id', methods: ['GET', 'HEAD', 'PATCH', 'DELETE'] },
	{ pattern: /^\/v1\/me\/tasks$/, route: '/v1/me/tasks', methods: ['DELETE'] },
]

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('timed out')), ms)
		promise.then(
			(value) => {
				clearTimeout(timer)
				resolve(value)
			},
			(error: unknown) => {
				clearTimeout(timer)
				reject(error)
			},
		)
	})
}

export function createApp(deps: AppDeps): OpenAPIHono<ApiEnv> {
	const { logger } = deps
	const app = new OpenAPIHono<ApiEnv>({
		// Request validation failures: 422 with one entry per field.
		defaultHook: (result, c) => {
			if (!result.success) return validationProblem(c, fieldErrors(result.error))
		},
	})

	// Request id, security headers and one log line per request.
	app.use('*', async (c, next) => {
		const started = performance.now()
		const incoming = c.req.header('x-request-id')
		const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
		c.set('requestId', requestId)
		await next()
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value)
		c.res.headers.set('X-Request-Id', requestId)
		const known = KNOWN_PATHS.find((entry) => entry.pattern.test(c.req.path))
		const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL')
		const level = c.res.status >= 500 ? 'error' : 'info'
		logger[level](
			{
				requestId,
				method: c.req.method,
				route: handler?.path.replace(/\{(\w+)\}/g, ':$1') ?? known?.route ?? '(unknown)',
				status: c.res.status,
				durationMs: Math.round((performance.now() - started) * 10) / 10,
				userId: c.get('userId'),
			},
			'request',
		)
	})

	// A known path with a method it does not serve: 405 with Allow.
	app.use('*', async (c, next) => {
		const known = KNOWN_PATHS.find((entry) => entry.pattern.test(c.req.path))
		if (known && !known.methods.includes(c.req.method)) {
			return problem(c, 405, `${c.req.method} is not allowed here.`, {
				headers: { Allow: known.methods.join(', ') },
			})
		}
		await next()
	})

	app.get('/healthz', (c) => c.json({ status: 'ok' }))

	app.get('/readyz', async (c) => {
		if (deps.isStopping?.()) {
			return problem(c, 503, 'Stopping: finishing in-flight requests.', { headers: { 'Retry-After': '5' } })
		}
		const [database, signingKeys] = await Promise.all([
			withTimeout(deps.pingDatabase(), READY_TIMEOUT_MS).then(
				() => true,
				() => false,
			),
			withTimeout(deps.verifier.keysLoadable(), READY_TIMEOUT_MS).catch(() => false),
		])
		const checks = { database: database ? 'ok' : 'failing', signingKeys: signingKeys ? 'ok' : 'failing' }
		if (database && signingKeys) return c.json({ status: 'ready', checks })
		return problem(c, 503, 'Not ready.', { headers: { 'Retry-After': '5' }, extra: { checks } as never })
	})

	app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
		type: 'http',
		scheme: 'bearer',
		bearerFormat: 'JWT',
		description: 'An EdDSA JWT minted by the Taskwell app (Better Auth jwt plugin), verified against its JWKS.',
	})
	app.doc31('/openapi.json', {
		openapi: '3.1.0',
		info: {
			title: 'Taskwell task API',
			version: '1.0.0',
			description:
				'Each user’s tasks, behind a bearer JWT from the Taskwell app. Errors are RFC 9457 problem+json. GET /healthz and GET /readyz need no token.',
		},
	})

	// Who is calling comes first: an anonymous caller learns nothing more
	// about its request than 401 (405 for a wrong method aside).
	app.use('/v1/*', requireBearerToken(deps.verifier))
	app.use(
		'/v1/*',
		bodyLimit({
			maxSize: MAX_BODY_BYTES,
			onError: (c) => problem(c, 413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`),
		}),
	)

	// Bodies are JSON or nothing.
	app.use('/v1/*', async (c, next) => {
		if (c.req.method === 'POST' || c.req.method === 'PATCH') {
			const type = c.req.header('content-type') ?? ''
			if (!JSON_MEDIA_TYPE.test(type)) {
				return problem(c, 415, 'The request body must be application/json.', {
					headers: { [c.req.method === 'PATCH' ? 'Accept-Patch' : 'Accept-Post']: 'application/json' },
				})
			}
		}
		await next()
	})

	registerTaskRoutes(app, deps.db)

	app.notFound((c) => problem(c, 404, 'Nothing here.'))

	app.onError((error, c) => {
		if (error instanceof ProblemError) return problem(c, error.status, error.detail, { extra: error.extra })
		if (error instanceof HTTPException && error.status >= 400 && error.status < 500) {
			const status = error.status
			const detail =
				status === 400 ? 'The request body is not valid JSON.' : status === 415 ? 'The request body must be application/json.' : undefined
			return problem(c, status, detail)
		}
		logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error')
		return problem(c, 500, 'Something went wrong on our side.')
	})

	return app
}
