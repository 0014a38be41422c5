/**
 * The cluster test's access-token round (issue 26): "a revocation through
 * one app instance is enforced by the other API instance".
 *
 * A user signs up on app1 and makes a read-only personal access token in
 * Settings (the secret is in that answer only). A program exchanges it on
 * app2 for a JWT and lists tasks on api2 (straight to the instance, not
 * through HAProxy: the bound is about one instance learning what went
 * through another). The user revokes the token through app1. From the
 * moment that POST answered, api2 is asked with the JWT every ~50 ms for
 * 1.5 s: every request sent 1 s or more after it must be refused (401), and
 * once refused the JWT must stay refused. Then an exchange on app2 must
 * answer 401 too.
 */
import { decodeJwt } from 'jose'
import { request } from 'undici'
import { Browser, expectRedirect, signUp } from './browser.ts'
import { sleep } from './processes.ts'
import { formFields } from './virtual-user.ts'

const REFUSED_WITHIN_MS = 1000
const POLL_FOR_MS = 1500
const POLL_EVERY_MS = 50
const SECRET = /tw_pat_[A-Za-z]{60}/
/** The Settings form that makes a token (app/routes/settings/+shared/access-tokens.tsx). */
const CREATE_FORM_ID = 'create-access-token'

export type TokenRoundResult = { problems: string[]; notes: string[] }

async function send(url: string, method: string, headers: Record<string, string>) {
	const response = await request(url, { method: method as 'GET', headers, signal: AbortSignal.timeout(15_000) })
	return { status: response.statusCode, text: await response.body.text() }
}

export async function tokenRevocationRound(options: {
	app1Url: string
	app2Url: string
	api2Url: string
	publicOrigin: string
	runId: string
}): Promise<TokenRoundResult> {
	const { app1Url, app2Url, api2Url, publicOrigin, runId } = options
	const problems: string[] = []
	const notes: string[] = []
	const password = `cluster-pass-${runId}`
	const email = `cluster-${runId}-tokens@example.test`

	const userOn1 = new Browser(app1Url, publicOrigin)
	await signUp(userOn1, 'Tess Token', email, password)
	const settings = await userOn1.get('/settings')
	const fields = formFields(settings.html, CREATE_FORM_ID)
	if (!fields) throw new Error(`no create-token form on /settings on app1 (${settings.status})`)
	fields.set('intent', 'create-access-token')
	fields.set('name', `cluster ${runId}`)
	const created = await userOn1.post('/settings', fields)
	const secret = SECRET.exec(created.html)?.[0]
	if (!secret) throw new Error(`creating a token on app1 answered ${created.status} without a secret`)

	const exchange = () =>
		send(`${app2Url}/api/tokens/exchange`, 'POST', { authorization: `Bearer ${secret}`, host: new URL(publicOrigin).host })
	const exchanged = await exchange()
	if (exchanged.status !== 200) throw new Error(`the exchange on app2 answered ${exchanged.status}`)
	const jwt = (JSON.parse(exchanged.text) as { access_token: string }).access_token
	const tokenId = decodeJwt(jwt).tid as string
	const list = () => send(`${api2Url}/v1/tasks`, 'GET', { authorization: `Bearer ${jwt}` })
	for (let i = 0; i < 5; i++) {
		const answer = await list()
		if (answer.status !== 200) throw new Error(`before the revocation, api2 answered ${answer.status}`)
		await sleep(POLL_EVERY_MS)
	}

	const revoked = await userOn1.post('/settings', new URLSearchParams({ intent: 'revoke-access-token', id: tokenId }))
	const revokedAt = performance.now()
	expectRedirect('revoke through app1', revoked)

	const polls: { sentMs: number; status: number }[] = []
	for (let next = 0; next < POLL_FOR_MS; next += POLL_EVERY_MS) {
		const wait = next - (performance.now() - revokedAt)
		if (wait > 0) await sleep(wait)
		const sentMs = performance.now() - revokedAt
		polls.push({ sentMs, status: (await list()).status })
	}
	const firstRefused = polls.findIndex((poll) => poll.status === 401)
	if (firstRefused < 0) problems.push(`api2 never refused the revoked token's JWT in ${POLL_FOR_MS} ms`)
	else notes.push(`api2 first refused the JWT sent ${polls[firstRefused]!.sentMs.toFixed(0)} ms after the revocation (app1)`)
	const late = polls.filter((poll) => poll.sentMs >= REFUSED_WITHIN_MS && poll.status !== 401)
	if (late.length)
		problems.push(`${late.length} requests sent ≥ 1 s after the revocation were answered ${late.map((poll) => poll.status).join(', ')}`)
	const flapped = firstRefused >= 0 && polls.slice(firstRefused).some((poll) => poll.status !== 401)
	if (flapped) problems.push('after a refusal, api2 let the JWT through again')
	const again = await exchange()
	if (again.status !== 401) problems.push(`an exchange on app2 after the revocation answered ${again.status}`)
	else notes.push('the exchange on app2 refuses the revoked token (401)')
	return { problems, notes }
}
