// @ts-check
/**
 * The CLI's HTTP: the app's discovery document, the exchange of the refresh
 * credential for a short-lived access token, and calls to the task API with
 * it. A network failure is one sentence (`Cannot reach Taskwell at …`);
 * an error answer is the server's own words (RFC 9457 `detail`, OAuth
 * `error_description`), never a body dump that could hold a token.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { CliError, registerSecret, terminalSafe } from './errors.mjs'

export const CLIENT_ID = 'taskwell-cli'
const TIMEOUT_MS = 30_000

/** @type {{ version: string }} */
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
export const VERSION = packageJson.version
const USER_AGENT = `taskwell-cli/${VERSION} (Node.js ${process.versions.node}; ${os.platform()})`

export const EXPIRED_SIGN_IN = 'Your sign-in has expired or was revoked. Run taskwell login again.'

/**
 * GET {app}/api/tokens/config.
 * @typedef {{
 *   client_id: string,
 *   device_authorization_endpoint: string,
 *   device_token_endpoint: string,
 *   exchange_endpoint: string,
 *   revocation_endpoint: string,
 *   task_api_url: string,
 * }} Discovery
 */

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Why a request got no answer, in a few words.
 * @param {unknown} error
 */
export function networkReason(error) {
	const failure = /** @type {{ name?: string, message?: string, cause?: any }} */ (error ?? {})
	if (failure.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} seconds`
	const cause = failure.cause
	const code = cause?.code ?? cause?.errors?.[0]?.code
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused'
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host not found'
		case 'ECONNRESET':
		case 'UND_ERR_SOCKET':
			return 'the connection was closed'
		case 'ETIMEDOUT':
		case 'UND_ERR_CONNECT_TIMEOUT':
			return 'the connection timed out'
	}
	const message = cause?.message || code || failure.message || String(error)
	return String(message).replace(/\.$/, '')
}

/**
 * fetch(), with the CLI's user agent and a time limit; a network failure is
 * a CliError naming `base` (the app or the task API).
 * @param {string} url
 * @param {RequestInit & { headers?: Record<string, string> }} init
 * @param {string} base
 */
export async function send(url, init, base) {
	try {
		return await fetch(url, {
			...init,
			headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...init.headers },
			signal: AbortSignal.timeout(TIMEOUT_MS),
		})
	} catch (error) {
		throw new CliError(`Cannot reach Taskwell at ${base}: ${networkReason(error)}.`)
	}
}

/**
 * The JSON body, or undefined when there is none (or it is not JSON).
 * @param {Response} response
 * @returns {Promise<any>}
 */
export async function readJson(response) {
	try {
		return await response.json()
	} catch {
		return undefined
	}
}

/**
 * A POST of a JSON body.
 * @param {string} url
 * @param {unknown} body
 * @param {string} base
 * @param {Record<string, string>} [headers]
 */
export function postJson(url, body, base, headers = {}) {
	return send(
		url,
		{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), redirect: 'manual' },
		base,
	)
}

/**
 * Seconds from a Retry-After header (seconds or an HTTP date), or undefined.
 * @param {Response} response
 */
export function retryAfterSeconds(response) {
	const value = response.headers.get('retry-after')
	if (!value) return undefined
	if (/^\d+$/.test(value.trim())) return Number(value.trim())
	const date = Date.parse(value)
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000))
}

/** @param {Response} response */
export function tooManyRequests(response) {
	const seconds = retryAfterSeconds(response)
	return new CliError(seconds === undefined ? 'Too many requests; try again later.' : `Too many requests; try again in ${seconds} seconds.`)
}

/**
 * An answer the CLI did not expect.
 * @param {Response} response
 * @param {string} what what was asked, for the message
 */
export function unexpected(response, what) {
	return new CliError(`Taskwell answered ${response.status} ${response.statusText} to ${what}.`.replace(/ +to/, ' to'))
}

/**
 * The app's discovery document.
 * @param {string} appUrl
 * @returns {Promise<Discovery>}
 */
export async function discover(appUrl) {
	const response = await send(`${appUrl}/api/tokens/config`, { method: 'GET' }, appUrl)
	const body = response.ok ? await readJson(response) : undefined
	const fields = ['device_authorization_endpoint', 'device_token_endpoint', 'exchange_endpoint', 'revocation_endpoint', 'task_api_url']
	if (!body || typeof body !== 'object' || fields.some((field) => typeof body[field] !== 'string' || !URL.canParse(body[field]))) {
		const answer = response.ok ? 'an answer the CLI does not understand' : `${response.status}`
		throw new CliError(
			`${appUrl} does not look like a Taskwell app (GET /api/tokens/config answered ${answer}). Check --url or TASKWELL_URL.`,
		)
	}
	return {
		client_id: typeof body.client_id === 'string' && body.client_id ? body.client_id : CLIENT_ID,
		device_authorization_endpoint: body.device_authorization_endpoint,
		device_token_endpoint: body.device_token_endpoint,
		exchange_endpoint: body.exchange_endpoint,
		revocation_endpoint: body.revocation_endpoint,
		task_api_url: body.task_api_url.replace(/\/+$/, ''),
	}
}

/**
 * The refresh credential exchanged for a short-lived access token.
 * @param {Discovery} discovery
 * @param {string} refreshToken
 * @param {string} appUrl
 * @returns {Promise<string>}
 */
export async function exchange(discovery, refreshToken, appUrl) {
	const response = await send(
		discovery.exchange_endpoint,
		{ method: 'POST', headers: { authorization: `Bearer ${refreshToken}` }, redirect: 'manual' },
		appUrl,
	)
	if (response.status === 401) throw new CliError(EXPIRED_SIGN_IN)
	if (response.status === 429) throw tooManyRequests(response)
	const body = response.ok ? await readJson(response) : undefined
	if (!body || typeof body.access_token !== 'string' || body.access_token === '') throw unexpected(response, 'the token exchange')
	registerSecret(body.access_token)
	return body.access_token
}

/**
 * The message of an RFC 9457 problem: its detail (or title), then each
 * invalid field as `field: message`.
 * @param {any} problem
 * @param {Response} response
 */
export function problemMessage(problem, response) {
	const lines = []
	const main =
		typeof problem?.detail === 'string' && problem.detail ? problem.detail : typeof problem?.title === 'string' ? problem.title : ''
	lines.push(main ? terminalSafe(main) : `The task API answered ${response.status} ${response.statusText}.`.replace(' .', '.'))
	if (Array.isArray(problem?.errors)) {
		for (const error of problem.errors) {
			const message = terminalSafe(error?.message ?? '')
			lines.push(error?.field ? `${terminalSafe(error.field)}: ${message}` : message)
		}
	}
	return lines.join('\n')
}

/**
 * A signed-in connection to the task API: one access token for this run.
 * @param {string} taskApiUrl
 * @param {string} accessToken
 */
export function taskApi(taskApiUrl, accessToken) {
	/**
	 * @param {'GET' | 'POST' | 'PATCH'} method
	 * @param {string} path from /v1
	 * @param {{ body?: unknown, headers?: Record<string, string>, retryOnce?: boolean }} [options]
	 *   retryOnce: safe to send again (an idempotent request) after a network failure or a 502, 503 or 504
	 * @returns {Promise<any>} the JSON answer of a 2xx
	 */
	return async function call(method, path, { body, headers = {}, retryOnce = false } = {}) {
		const attempt = () =>
			send(
				`${taskApiUrl}${path}`,
				{
					method,
					headers: {
						authorization: `Bearer ${accessToken}`,
						...(body === undefined ? {} : { 'content-type': 'application/json' }),
						...headers,
					},
					body: body === undefined ? undefined : JSON.stringify(body),
					redirect: 'manual',
				},
				taskApiUrl,
			)
		/** @type {Response} */
		let response
		try {
			response = await attempt()
		} catch (error) {
			if (!retryOnce) throw error
			await sleep(1000)
			response = await attempt()
		}
		if (retryOnce && [502, 503, 504].includes(response.status)) {
			await sleep(1000)
			response = await attempt()
		}
		const answer = await readJson(response)
		if (response.ok) return answer
		throw new CliError(problemMessage(answer, response), 1)
	}
}
