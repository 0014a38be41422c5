/**
 * Server rendering entry (React Router's Node default, plus: structured
 * error logging, the periodic clean-up, and closeDatabase for the Node
 * server's graceful stop).
 *
 * Nothing is rendered for a browser that has gone away: the Node server
 * aborts the request's signal when the connection closes (React Router's
 * Express adapter), so a request already aborted gets no render at all, and
 * an abort during a render stops React at once (not after streamTimeout).
 * That is no error: the request log line (app-server.ts) says the client
 * went away.
 */
import { isbot } from 'isbot'
import { renderToPipeableStream, type RenderToPipeableStreamOptions } from 'react-dom/server'
import { isRouteErrorResponse, ServerRouter, type EntryContext, type HandleErrorFunction, type RouterContextProvider } from 'react-router'
import { NonceProvider } from '#app/components/nonce.tsx'
import { startCleanup, stopCleanup } from '#app/lib/cleanup.server.ts'
import { database } from '#app/lib/db.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { createPageStream } from '#app/lib/http/page-stream.server.ts'
import { createNonce, documentSecurityHeaders } from '#app/lib/http/csp.server.ts'
import { nonceContext } from '#app/context.server.ts'

// Expired sessions, verification tokens, throttle counters and old log rows:
// at start and then periodically (the timer does not keep the process alive).
startCleanup()

/** For the Node server's graceful stop, once no request is in flight (a clean-up run stops after its batch). */
export async function closeDatabase(): Promise<void> {
	await stopCleanup()
	await database.close()
}

export const streamTimeout = 5_000

export default function handleRequest(
	request: Request,
	responseStatusCode: number,
	responseHeaders: Headers,
	routerContext: EntryContext,
	loadContext: RouterContextProvider,
) {
	// The root middleware made this request's nonce and puts it in the
	// Content-Security-Policy header; every inline script must carry it.
	// (None in dev: Vite's own scripts run under 'unsafe-inline' there.)
	const nonce = import.meta.env.DEV ? '' : (loadContext.get(nonceContext) ?? createNonce())
	if (request.method.toUpperCase() === 'HEAD' || request.signal.aborted) {
		return new Response(null, { status: responseStatusCode, headers: responseHeaders })
	}
	return new Promise<Response>((resolve, reject) => {
		let shellRendered = false
		const userAgent = request.headers.get('user-agent')
		const readyOption: keyof RenderToPipeableStreamOptions =
			(userAgent && isbot(userAgent)) || routerContext.isSpaMode ? 'onAllReady' : 'onShellReady'
		let timeoutId: ReturnType<typeof setTimeout> | undefined = setTimeout(() => abort(), streamTimeout + 1000)
		const stopRendering = () => abort()
		request.signal.addEventListener('abort', stopRendering, { once: true })
		const { pipe, abort } = renderToPipeableStream(
			<NonceProvider value={nonce}>
				<ServerRouter context={routerContext} url={request.url} nonce={nonce} />
			</NonceProvider>,
			{
				nonce,
				[readyOption]() {
					shellRendered = true
					const page = createPageStream({
						onEnd() {
							clearTimeout(timeoutId)
							timeoutId = undefined
							request.signal.removeEventListener('abort', stopRendering)
						},
						onCancel: () => abort(),
					})
					responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
					for (const [name, value] of Object.entries(documentSecurityHeaders(nonce))) {
						if (name === 'Referrer-Policy' && responseHeaders.has(name)) continue
						responseHeaders.set(name, value)
					}
					pipe(page.destination)
					resolve(
						new Response(page.body, {
							headers: responseHeaders,
							status: responseStatusCode,
						}),
					)
				},
				onShellError(error: unknown) {
					request.signal.removeEventListener('abort', stopRendering)
					reject(error)
				},
				onError(error: unknown) {
					// Stopped because the browser went away: not a failure.
					if (request.signal.aborted) return
					responseStatusCode = 500
					if (shellRendered) logger.error({ err: error }, 'error while streaming a page')
				},
			},
		)
	})
}

export const handleError: HandleErrorFunction = (error, { request }) => {
	if (request.signal.aborted) return
	// A 404 (an unknown URL, the browser's own /favicon.ico) or another
	// thrown 4xx is an answer, not a failure: the request log line has it.
	if (isRouteErrorResponse(error) && error.status < 500) return
	logger.error({ err: error, method: request.method, path: new URL(request.url).pathname }, 'unhandled error in a loader or action')
}
