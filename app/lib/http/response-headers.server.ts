/**
 * The root middleware's response headers, for everything React Router
 * answers (documents, `.data` requests, resource routes such as
 * /api/auth/*): the Content-Security-Policy (a page's, with this request's
 * nonce, which it puts in nonceContext; the strict one for anything else:
 * csp.server.ts) and Cache-Control: no-store for private responses
 * (cache-rules.server.ts). The fixed headers come from the HTTP server
 * (security-headers.server.ts).
 */
import type { MiddlewareFunction } from 'react-router'
import { nonceContext } from '#app/context.server.ts'
import { isPrivateResponse } from './cache-rules.server.ts'
import { createNonce, documentSecurityHeaders, NON_DOCUMENT_CSP } from './csp.server.ts'

function applyHeaders(response: Response, request: Request, nonce: string) {
	const isHtml = (response.headers.get('content-type') ?? '').startsWith('text/html')
	if (!isHtml) response.headers.set('Content-Security-Policy', NON_DOCUMENT_CSP)
	else if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', documentSecurityHeaders(nonce)['Content-Security-Policy']!)
	}
	if (isPrivateResponse(request, response)) response.headers.set('Cache-Control', 'no-store')
}

export const responseHeadersMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	const nonce = createNonce()
	context.set(nonceContext, nonce)
	let response = await next()
	try {
		applyHeaders(response, request, nonce)
	} catch {
		// Immutable headers (a fetch Response passed through): copy it.
		response = new Response(response.body, response)
		applyHeaders(response, request, nonce)
	}
	return response
}
