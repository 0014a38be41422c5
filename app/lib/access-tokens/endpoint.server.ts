/**
 * What the token endpoints (app/routes/api/tokens/) share: JSON answers
 * that are never cached, OAuth-style errors (`error`, `error_description`,
 * RFC 6749 §5.2), the bearer credential of a request, the parameters of a
 * JSON or form body, and the throttle's 429 (with Retry-After: a rate limit
 * is never a 401, so a program can tell "wait" from "sign in again").
 */
import { createHash } from 'node:crypto'
import { recordHit, type ThrottleRule } from '#app/lib/throttle.server.ts'
import { CLI_PREFIX, PAT_PREFIX } from './plugins.server.ts'

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' }

export function jsonAnswer(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return Response.json(body, { status, headers: { ...NO_STORE, ...headers } })
}

export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
	return jsonAnswer({ error, error_description: description }, status, headers)
}

/** 401 for a credential that is unknown, revoked, expired, or whose account cannot sign in. */
export function invalidCredential(): Response {
	return oauthError(401, 'invalid_token', 'The token is invalid, expired or revoked.', {
		'WWW-Authenticate': 'Bearer error="invalid_token"',
	})
}

export function methodNotAllowed(): Response {
	return oauthError(405, 'invalid_request', 'Use POST.', { Allow: 'POST' })
}

/** A secret: the prefix and 60 letters (longer or other characters are not ours). */
const CREDENTIAL = new RegExp(`^(?:${PAT_PREFIX}|${CLI_PREFIX})[A-Za-z]{60}$`)

/** The request's `Authorization: Bearer tw_pat_…|tw_cli_…` credential, or null. */
export function bearerCredentialOf(request: Request): string | null {
	const header = request.headers.get('authorization') ?? ''
	const [scheme, value, ...rest] = header.trim().split(/\s+/)
	if (scheme?.toLowerCase() !== 'bearer' || !value || rest.length > 0) return null
	return CREDENTIAL.test(value) ? value : null
}

/** A throttle subject for a credential: its SHA-256 (the secret itself is never stored). */
export const credentialSubject = (credential: string) => createHash('sha256').update(credential).digest('base64url')

/** The string parameters of a JSON object or form body (null when it is neither, or unreadable). */
export async function bodyParams(request: Request): Promise<Record<string, string> | null> {
	const type = request.headers.get('content-type') ?? ''
	try {
		if (/^application\/json\b/i.test(type)) {
			const body: unknown = await request.json()
			if (typeof body !== 'object' || body === null || Array.isArray(body)) return null
			return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
		}
		if (/^application\/x-www-form-urlencoded\b/i.test(type) || type === '') {
			const form = new URLSearchParams(await request.text())
			return Object.fromEntries(form.entries())
		}
	} catch {
		return null
	}
	return null
}

/** Counts one request against `rule`; a 429 answer when it is over the limit. */
export async function overLimit(rule: ThrottleRule, subject: string): Promise<Response | null> {
	const state = await recordHit(rule, subject)
	if (state.count <= rule.limit) return null
	const seconds = state.retryAfterSeconds
	return oauthError(429, 'rate_limited', `Too many requests. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, {
		'Retry-After': String(seconds),
	})
}
