/**
 * The task API as a Hono app, built from its dependencies (database, token
 * verifier, logger) so tests start it on port 0 with their own.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { matchedRoutes } from 'hono/route'
import { secureHeaders } from 'hono/secure-headers'
import type { Logger } from '#common/logger.ts'
import { registerAccessTokenRoutes } from './access-tokens/routes.ts'
import { passesSuspension, registerAccountRoutes } from './accounts/routes.ts'
import { limitAccessTokens } from './auth/access-token-limits.ts'
import { createAccountBlocks, refuseBlockedAccounts, type AccountBlocks } from './auth/account-blocks.ts'
import { requireBearerToken } from './auth/bearer.ts'
import type { TokenVerifier } from './auth/verify-token.ts'
import type { ApiEnv } from './context.ts'
import { methodNotAllowed, registeredRoutes } from './method-not-allowed.ts'
import { fieldErrors, problem, ProblemError, validationProblem } from './problem.ts'
import type { TaskLimits, WorkspaceLimits } from './tasks/limits.ts'
import type { TasksDb } from './tasks/repository.ts'
import { registerTaskRoutes } from './tasks/routes.ts'
import { membersFirst, readsOwnRole } from './workspaces/access.ts'
import { registerWorkspaceRoutes, guardWorkspaces } from './workspaces/routes.ts'
import { withTimeout } from '#common/with-timeout.ts'

export const MAX_BODY_BYTES = 64 * 1024
const READY_TIMEOUT_MS = 3_000

export type AppDeps = {
	db: TasksDb
	/** For the search (OpenedDatabase.customPlanDb); `db` when absent. */
	customPlanDb?: TasksDb
	/** Answers when the database does (OpenedDatabase.ping). */
	pingDatabase: () => Promise<void>
	verifier: TokenVerifier
	logger: Logger
	/** True once a graceful stop has begun: /readyz answers 503. */
	isStopping?: () => boolean
	/** Per-account task limits (TASKS_MAX_PER_USER, TASKS_CREATES_PER_MINUTE); defaults when absent. */
	limits?: TaskLimits
	/** Workspace limits (WORKSPACE_MAX_TASKS, WORKSPACE_MAX_MEMBERS, WORKSPACES_PER_ACCOUNT); defaults when absent. */
	workspaceLimits?: WorkspaceLimits
	/** Suspended accounts (server/auth/account-blocks.ts); made from `db` when absent. */
	accountBlocks?: AccountBlocks
}

const HEALTH_PATHS = new Set(['/healthz', '/readyz'])
const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/
const BODYLESS_POST = /\/(?:restore|accept)$/
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i

export function createApp(deps: AppDeps): OpenAPIHono<ApiEnv> {
	const { logger } = deps
	const app = new OpenAPIHono<ApiEnv>({
		// Request validation failures: 422 with one entry per field (on the
		// workspace list, to members only: access.ts readsOwnRole).
		defaultHook: (result, c) => {
			if (result.success) return
			const refusal = () => validationProblem(c, fieldErrors(result.error))
			return readsOwnRole(c) ? membersFirst(deps.db, c, refusal) : refusal()
		},
	})

	// A request id: a safe incoming X-Request-Id is kept (and echoed), any
	// other is replaced. Hono's own check allows another character set, so
	// limitLength 0 hands every incoming id to `generator`, which applies ours.
	app.use(
		requestId({
			limitLength: 0,
			generator: (c) => {
				const incoming = c.req.header('x-request-id')
				return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
			},
		}),
	)

	// Fixed security headers on every response, only these.
	app.use(
		secureHeaders({
			contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
			crossOriginOpenerPolicy: 'same-origin',
			crossOriginResourcePolicy: 'same-origin',
			referrerPolicy: 'no-referrer',
			xContentTypeOptions: 'nosniff',
			xFrameOptions: 'DENY',
			originAgentCluster: false,
			strictTransportSecurity: false,
			xDnsPrefetchControl: false,
			xDownloadOptions: false,
			xPermittedCrossDomainPolicies: false,
			xXssProtection: false,
		}),
	)

	// No response is cached, and one log line per request.
	const routes = registeredRoutes(app)
	app.use('*', async (c, next) => {
		const started = performance.now()
		await next()
		c.res.headers.set('Cache-Control', 'no-store')
		const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL')
		// The load balancer's health checks every second or two would drown the log: debug level.
		const level = c.res.status >= 500 ? 'error' : HEALTH_PATHS.has(c.req.path) ? 'debug' : 'info'
		logger[level](
			{
				requestId: c.get('requestId'),
				method: c.req.method,
				route: handler?.path ?? routes.match(c.req.path)?.path ?? '(unknown)',
				status: c.res.status,
				durationMs: Math.round((performance.now() - started) * 10) / 10,
				userId: c.get('userId'),
				// An admin acting as the user (the token's act claim): both are on record.
				actorId: c.get('actorId'),
				// An access-token JWT's access token (its id, not a secret): which PAT or CLI made the call.
				tokenId: c.get('tokenId'),
			},
			'request',
		)
	})

	// A registered path with a method it does not serve: 405 with Allow.
	app.use(
		methodNotAllowed(routes, (c, allow) =>
			problem(c, 405, `${c.req.method} is not allowed here.`, { headers: { Allow: allow.join(', ') } }),
		),
	)

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
				'Each user’s tasks and their workspaces’ shared task lists, behind a bearer JWT from the Taskwell app. A workspace’s routes answer its members only, as their role allows at the time of each request. A JWT exchanged for an access token (it carries `tid`) reaches only tasks — the personal ones, or those of the workspace its `workspace` claim names — and changes them only with `tasks:write` in its `scope`: any other call answers 403. Errors are RFC 9457 problem+json. GET /healthz and GET /readyz need no token.',
		},
	})

	// Who is calling comes first: an anonymous caller learns nothing more
	// about its request than 401 (405 for a wrong method aside).
	app.use('/v1/*', requireBearerToken(deps.verifier))
	// Then whether that account may call at all (suspended by an admin, issue 22), except to change its status,
	// and whether the access token an access-token JWT was exchanged for is revoked (issue 26).
	const accountBlocks = deps.accountBlocks ?? createAccountBlocks(deps.db, { logger })
	app.use('/v1/*', refuseBlockedAccounts(accountBlocks, passesSuspension))
	// An access-token JWT reaches only tasks, as its scope and workspace allow: before any body is read.
	app.use('/v1/*', limitAccessTokens())
	const limitBody = bodyLimit({
		maxSize: MAX_BODY_BYTES,
		onError: (c) => problem(c, 413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`),
	})
	// GET and HEAD carry no body. Asking for one anyway (as bodyLimit does)
	// makes the Node adapter build a full Request: a tenth of a list's cost.
	app.use('/v1/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)))

	// Bodies are JSON or nothing (POST …/restore and …/accept take none: a body-less one needs no type).
	app.use('/v1/*', async (c, next) => {
		const bodyless = BODYLESS_POST.test(c.req.path) && !c.req.header('content-type') && !Number(c.req.header('content-length') ?? 0)
		if ((c.req.method === 'POST' || c.req.method === 'PATCH') && !bodyless) {
			const type = c.req.header('content-type') ?? ''
			if (!JSON_MEDIA_TYPE.test(type)) {
				return problem(c, 415, 'The request body must be application/json.', {
					headers: { [c.req.method === 'PATCH' ? 'Accept-Patch' : 'Accept-Post']: 'application/json' },
				})
			}
		}
		await next()
	})

	// A workspace's routes (its tasks included) answer only its members: 404 for anyone else.
	guardWorkspaces(app, deps.db)
	registerWorkspaceRoutes(app, deps.db, deps.workspaceLimits)
	registerTaskRoutes(app, deps.db, { limits: deps.limits, workspaceLimits: deps.workspaceLimits, customPlanDb: deps.customPlanDb })
	registerAccountRoutes(app, deps.db)
	registerAccessTokenRoutes(app, deps.db)

	app.notFound((c) => problem(c, 404, 'Nothing here.'))

	app.onError((error, c) => {
		if (error instanceof ProblemError) return problem(c, error.status, error.detail, { extra: error.extra, headers: error.headers })
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
