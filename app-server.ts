/**
 * The app's HTTP server, in development and production alike: one JSON log
 * line per request, the fixed security headers (helmet), 405 for methods the
 * app does not answer, the cross-site POST refusal, body limits, the client
 * IP (honouring TRUST_PROXY), re-signing of auth cookies during a secret
 * rotation, then React Router. Everything about auth lives in the React
 * Router app itself (app/).
 *
 * - Production (`npm run start:app`, bundled to build/app-server.js):
 *   compression, the built assets, and the build beside this file.
 * - Development (`npm run dev`, NODE_ENV=development, run with tsx): Vite in
 *   middleware mode serves the modules with HMR (its websocket shares this
 *   server's port) and React Router's build comes from Vite, reloaded on
 *   change.
 *
 * /healthz and /readyz (app/routes) are logged at debug level only. On
 * SIGTERM/SIGINT it stops accepting connections, answers /readyz with 503
 * while in-flight requests finish (up to 10 s), closes the database pool and
 * exits 0.
 *
 * A browser that goes away before its answer is sent: React Router's
 * Express adapter aborts the request's signal when the connection closes,
 * which stops the task API call (app/lib/tasks-api/transport.server.ts)
 * and the page's render (app/entry.server.tsx). Its request log line is
 * info, with status 499 (nginx's "client closed request") and `aborted`.
 */
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequestHandler } from '@react-router/express'
import compression from 'compression'
import express from 'express'
import helmet from 'helmet'
import { RouterContextProvider, type ServerBuild } from 'react-router'
import type { ViteDevServer } from 'vite'
import { trackConnections } from '#common/graceful-stop.ts'
import { createLogger } from '#common/logger.ts'
import { clientIpContext, requestIdContext, userIdContext } from '#app/context.server.ts'
import { readAppEnv, startupWarnings } from '#app/lib/env.server.ts'
import { NON_DOCUMENT_CSP } from '#app/lib/http/csp.server.ts'
import {
	ALLOW_HEADER,
	allowedOrigins,
	bodySizeRefusal,
	CROSS_SITE_REFUSAL,
	isAllowedMethod,
	isSafeMethod,
	isSameOriginRequest,
	isProgramTokenRequest,
	METHOD_NOT_ALLOWED_MESSAGE,
} from '#app/lib/http/request-guards.server.ts'
import { FIXED_SECURITY_HEADER_NAMES, fixedSecurityHeaders } from '#app/lib/http/security-headers.server.ts'
import { cookieSecrets, resignAuthCookies } from '#app/lib/auth/cookie-rotation.server.ts'

const log = createLogger('taskwell-app')
const SHUTDOWN_GRACE_MS = 10_000
/** Asked every few seconds by load balancers: not worth an info line each. */
const HEALTH_PATHS = new Set(['/healthz', '/readyz'])
// Production: this file is bundled to <build>/app-server.js, beside React
// Router's output.
const buildDir = path.dirname(fileURLToPath(import.meta.url))

/** The app's server entry (app/entry.server.tsx): React Router's, plus closeDatabase for the graceful stop. */
type AppEntry = ServerBuild['entry']['module'] & { closeDatabase: () => Promise<void> }
function isAppEntry(entry: ServerBuild['entry']['module']): entry is AppEntry {
	return 'closeDatabase' in entry && typeof entry.closeDatabase === 'function'
}

/** "/favicon.ico" → "favicon.ico", "/icons/a.png" → "icons" (percent-decoded, as express.static reads it). */
function firstSegmentOf(urlPath: string): string {
	const segment = urlPath.split('/')[1] ?? ''
	try {
		return decodeURIComponent(segment)
	} catch {
		return segment
	}
}

async function main() {
	// Fail fast, naming the variable, before anything is loaded.
	const appEnv = readAppEnv()
	for (const warning of startupWarnings(appEnv)) log.warn({ event: 'insecure-setting' }, warning)
	const isDev = appEnv.NODE_ENV === 'development'
	const app = express()
	const server = createServer(app)
	// Development: Vite serves the modules; its HMR websocket rides on this
	// server (no second port). Production never loads Vite.
	const vite: ViteDevServer | undefined = isDev
		? await import('vite').then((v) => v.createServer({ server: { middlewareMode: true, hmr: { server } }, appType: 'custom' }))
		: undefined
	const productionBuild = vite ? undefined : ((await import(pathToFileURL(path.join(buildDir, 'server/index.js')).href)) as ServerBuild)
	/** React Router's build: from Vite in dev (fresh after a change), else the one built. */
	const loadBuild = async (): Promise<ServerBuild> =>
		productionBuild ?? ((await vite!.ssrLoadModule('virtual:react-router/server-build')) as ServerBuild)
	// Dev: the app's modules are loaded by the first request only. (The
	// context keys are the routes' own: app/context.server.ts keeps one set
	// per process, however many copies of it are loaded.)
	let loadedEntry = productionBuild && isAppEntry(productionBuild.entry.module) ? productionBuild.entry.module : undefined
	let stopping = false

	// Behind a load balancer, X-Forwarded-For says who the client is; without
	// one, a client could forge it, so it is ignored unless TRUST_PROXY is on.
	app.set('trust proxy', appEnv.TRUST_PROXY)

	app.use((req, res, next) => {
		const start = process.hrtime.bigint()
		const incoming = req.get('x-request-id')
		const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID()
		res.locals.requestId = requestId
		res.setHeader('x-request-id', requestId)
		const logRequest = (aborted: boolean) => {
			const routerContext = res.locals.routerContext as RouterContextProvider | undefined
			log[HEALTH_PATHS.has(req.path) ? 'debug' : 'info'](
				{
					requestId,
					method: req.method,
					path: req.path,
					route: req.path,
					status: aborted ? 499 : res.statusCode,
					...(aborted ? { aborted: true } : {}),
					durationMs: Number(process.hrtime.bigint() - start) / 1e6,
					userId: routerContext?.get(userIdContext) ?? undefined,
				},
				'request',
			)
		}
		res.on('finish', () => logRequest(false))
		// 'close' without 'finish' first: the connection closed before the
		// answer was sent (the client went away, or a forced stop); no
		// 'finish' ever comes.
		res.on('close', () => {
			if (!res.writableFinished) logRequest(true)
		})
		next()
	})
	// Every response carries these, static files and early refusals too;
	// React Router's own responses replace the CSP with the page's (nonce).
	app.use(helmet(fixedSecurityHeaders({ https: appEnv.isHttps })))
	app.use((_req, res, next) => {
		res.setHeader('Content-Security-Policy', NON_DOCUMENT_CSP)
		next()
	})
	// While stopping, load balancers asking on a kept-alive connection learn
	// to send nothing more here.
	app.get('/readyz', (_req, res, next) => {
		if (!stopping) return next()
		res.status(503).set({ 'cache-control': 'no-store', 'retry-after': '5' }).json({ status: 'stopping' })
	})
	// HTTP/1.1 requires Host, and React Router cannot build a URL without
	// one: a health check or client that sends none gets a clear 400.
	app.use((req, res, next) => {
		if (req.headers.host) return next()
		log.warn({ method: req.method, path: req.path }, 'request without a Host header')
		res.status(400).set('cache-control', 'no-store').type('text/plain').send('A Host header is required.')
	})
	// TRACE, PUT, DELETE, …: 405 with Allow, static files included.
	app.use((req, res, next) => {
		if (isAllowedMethod(req.method)) return next()
		log.warn({ method: req.method, path: req.path }, 'method not allowed')
		res.status(405).set({ allow: ALLOW_HEADER, 'cache-control': 'no-store' }).type('text/plain').send(METHOD_NOT_ALLOWED_MESSAGE)
	})
	// The one cross-site check: refuse cross-site POSTs before anything
	// reads them (React Router's own check would answer 400, and only for
	// actions). Programs calling the token endpoints send no Origin: see
	// isProgramTokenRequest.
	const origins = allowedOrigins(appEnv.BETTER_AUTH_URL)
	app.use((req, res, next) => {
		const header = (name: string) => req.get(name)
		if (isSafeMethod(req.method) || isSameOriginRequest({ headers: { get: header } }, origins) || isProgramTokenRequest(req.path, header)) {
			return next()
		}
		log.warn({ method: req.method, path: req.path, origin: req.get('origin') }, 'refused cross-site request')
		res.status(403).set('cache-control', 'no-store').type('text/plain').send(CROSS_SITE_REFUSAL)
	})
	// React Router reads request bodies itself, unbounded: refuse big ones
	// up front (forms are a few KiB; Better Auth's JSON a little more). The
	// one place the limit is checked.
	app.use((req, res, next) => {
		const refusal = bodySizeRefusal(req.method, req.path, (name) => req.get(name))
		if (!refusal) return next()
		res.status(refusal.status).set('cache-control', 'no-store').type('text/plain').send(refusal.message)
	})
	app.use(compression())
	if (vite) {
		app.use(vite.middlewares)
	} else {
		const clientDir = path.join(buildDir, 'client')
		app.use('/assets', express.static(path.join(clientDir, 'assets'), { immutable: true, maxAge: '1y' }))
		// The built public files do not change while the server runs: only a
		// path under one of them goes to the disk. Every page request used
		// to cost a stat of a file that does not exist (a profile of /tasks
		// under load found it).
		const publicNames = new Set(readdirSync(clientDir).filter((name) => name !== 'assets'))
		const servePublic = express.static(clientDir, { maxAge: '1h' })
		app.use((req, res, next) => (publicNames.has(firstSegmentOf(req.path)) ? servePublic(req, res, next) : next()))
	}
	const handleWithReactRouter = createRequestHandler({
		// Production hands over the build itself: given a function, React
		// Router rebuilds its route tables on every request (a profile of
		// /tasks under load found that).
		build: productionBuild ?? loadBuild,
		mode: isDev ? 'development' : 'production',
		async getLoadContext(req, res) {
			if (!loadedEntry) {
				const { entry } = await loadBuild()
				if (isAppEntry(entry.module)) loadedEntry = entry.module
			}
			const context = new RouterContextProvider()
			res.locals.routerContext = context
			context.set(clientIpContext, req.ip ?? null)
			context.set(requestIdContext, String(res.locals.requestId))
			return context
		},
	})
	const replaceable = new Set([...FIXED_SECURITY_HEADER_NAMES, 'Content-Security-Policy'].map((name) => name.toLowerCase()))
	// During a rotation of BETTER_AUTH_SECRET (BETTER_AUTH_SECRETS), auth
	// cookies signed with an older secret are re-signed for the request, so
	// nobody is signed out by the rotation.
	const rotation = cookieSecrets(appEnv)
	// Deployed, the app has one public origin: BETTER_AUTH_URL. React Router
	// refuses (400) an action whose Origin differs from the URL the adapter
	// builds from the request, and behind a TLS-terminating proxy that URL
	// says http:// (and maybe an internal host) unless TRUST_PROXY is on. So
	// React Router sees the public origin, whatever the proxy forwards; which
	// POSTs are same-origin was decided above, against BETTER_AUTH_URL.
	const publicUrl = appEnv.isDeployed ? new URL(appEnv.BETTER_AUTH_URL) : undefined
	app.all('/{*splat}', (req, res, next) => {
		if (publicUrl) {
			Object.defineProperty(req, 'protocol', { value: publicUrl.protocol.slice(0, -1), configurable: true })
			req.headers.host = publicUrl.host
			delete req.headers['x-forwarded-host']
		}
		if (rotation) {
			const cookie = resignAuthCookies(req.headers.cookie, rotation.current, rotation.previous)
			if (cookie) req.headers.cookie = cookie
		}
		// React Router's responses set these headers themselves (a page's
		// CSP carries its nonce). The adapter appends headers, so let its
		// values replace the defaults above instead of doubling them.
		const append = res.append.bind(res)
		res.append = (field: string, value?: string | string[]) =>
			replaceable.has(field.toLowerCase()) && value !== undefined ? res.setHeader(field, value) : append(field, value)
		return handleWithReactRouter(req, res, next)
	})

	server.listen(appEnv.PORT, appEnv.HOST ?? '::', () => {
		log.info({ port: appEnv.PORT, mode: isDev ? 'development' : 'production' }, `Taskwell app listening on http://localhost:${appEnv.PORT}`)
	})
	server.keepAliveTimeout = 65_000
	const connections = trackConnections(server)

	const shutdown = async (signal: string) => {
		if (stopping) return
		stopping = true
		log.info({ signal }, 'shutting down: finishing in-flight requests')
		const { forced } = await connections.stop(SHUTDOWN_GRACE_MS)
		if (forced) log.warn('in-flight requests did not finish in time; their connections were closed')
		await vite?.close().catch((error: unknown) => log.error({ err: error }, 'closing Vite failed'))
		if (loadedEntry) await loadedEntry.closeDatabase().catch((error: unknown) => log.error({ err: error }, 'closing the database failed'))
		log.info('stopped')
		process.exit(0)
	}
	process.once('SIGTERM', () => void shutdown('SIGTERM'))
	process.once('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((error: unknown) => {
	// Configuration errors and an unusable database (common/database.ts) carry
	// a clear one-line message: print it, not a stack.
	if (error instanceof Error && (error.name === 'EnvError' || error.name === 'DatabaseStartupError')) console.error(error.message)
	else log.fatal({ err: error }, 'the app failed to start')
	process.exit(1)
})
