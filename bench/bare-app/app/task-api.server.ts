/**
 * The hop at its leanest, for `npm run bench`'s "floor" row: with
 * BARE_TASKS_API set (the task API's list URL), the bare page's loader asks
 * Taskwell's real task API for its 50 tasks, as the BFF does and no more: a
 * token signed once a minute (BARE_TASKS_KEY: an Ed25519 private JWK the API
 * trusts, BARE_TASKS_SUB: whose tasks), one request on a keep-alive undici
 * Pool, the JSON answer mapped to the page's rows. No session, no cookie
 * check, no validation of the answer, no security headers, no request log:
 * what is left is what any BFF page pays for the hop.
 */
import { importJWK, SignJWT, type JWK } from 'jose'
import { Pool } from 'undici'

export type ApiTask = {
	id: string
	title: string
	notes: string | null
	completed: boolean
	priority: 'low' | 'normal' | 'high'
	dueDate: string | null
}
type ApiList = { items: ApiTask[]; nextCursor: string | null; counts: { all: number; active: number; completed: number } }

const url = new URL(process.env.BARE_TASKS_API ?? 'http://127.0.0.1:1/v1/tasks')
const pool = new Pool(url.origin, { keepAliveTimeout: 30_000, connections: 128 })
const path = url.pathname + url.search

let token: { value: string; until: number } | undefined
async function bearer(): Promise<string> {
	const now = Math.floor(Date.now() / 1000)
	if (token && token.until > now) return token.value
	const jwk = JSON.parse(process.env.BARE_TASKS_KEY ?? '{}') as JWK
	const value = await new SignJWT({})
		.setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'JWT' })
		.setSubject(process.env.BARE_TASKS_SUB ?? '')
		.setIssuedAt(now)
		.setExpirationTime(now + 120)
		.setIssuer(process.env.BARE_TASKS_ISSUER ?? '')
		.setAudience(process.env.BARE_TASKS_AUDIENCE ?? '')
		.sign(await importJWK(jwk, 'EdDSA'))
	token = { value, until: now + 60 }
	return value
}

export async function listFromTaskApi(): Promise<ApiList> {
	const { statusCode, body } = await pool.request({ path, method: 'GET', headers: { authorization: `Bearer ${await bearer()}` } })
	if (statusCode !== 200) throw new Error(`the task API answered ${statusCode}: ${await body.text()}`)
	return (await body.json()) as ApiList
}
