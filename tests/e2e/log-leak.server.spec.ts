/**
 * The server logs (test-results/e2e-server.log, written by serve.mjs) after
 * a full sign-up / sign-in / tasks / settings flow (an access token made,
 * exchanged, used and revoked included) hold no password, no cookie value,
 * no JWT and no access token, and each request line is JSON with the user id
 * once it is known.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { newUser, PASSWORD, signIn, signOut, signUp, expect, test } from './support.ts'

const LOG_FILE = path.resolve(process.env.E2E_LOG_FILE ?? 'test-results/e2e-server.log')
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/
/** A personal access token's or a command line's secret (the first 11 characters are shown in Settings; more never are). */
const ACCESS_TOKEN_SECRET = /tw_(?:pat|cli)_[A-Za-z]{12,}/

test('a full flow leaves no password, cookie value or JWT in the logs', async ({ page, context }) => {
	const user = { ...newUser('Log Watcher'), password: `leak-check ${Date.now()} secret` }
	await signUp(page, user)
	const cookieValues = (await context.cookies()).map((cookie) => cookie.value)
	await page.goto('/tasks')
	const addTask = page.getByRole('button', { name: 'Add task' })
	if (await addTask.count()) {
		await page.getByLabel('Title').fill('Leak check task')
		await addTask.click()
		await expect(page.getByText('Leak check task').first()).toBeVisible()
	}
	await page.goto('/settings')
	await page.getByRole('region', { name: 'Change password' }).getByLabel('Current password').fill('a wrong guess here')
	await page.getByLabel('New password').fill(`${user.password} new`)
	await page.getByLabel('Confirm password').fill(`${user.password} new`)
	await page.getByRole('button', { name: 'Change password' }).click()
	await expect(page.getByText('Incorrect password')).toBeVisible()
	await signOut(page)
	// A second sign-up with the same address (Better Auth logs such attempts).
	await page.goto('/signup')
	await page.getByLabel('Name').fill(user.name)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill('another password for the same address')
	await page.getByLabel('Confirm password').fill('another password for the same address')
	await page.getByRole('button', { name: 'Create account' }).click()
	await page.waitForLoadState('load')
	await signIn(page, { email: user.email, password: 'wrong password here' })
	await expect(page.getByText('Invalid email or password')).toBeVisible()
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
	cookieValues.push(...(await context.cookies()).map((cookie) => cookie.value))
	await page.goto('/settings')
	// An access token: made, exchanged by a program (no cookie), used, revoked.
	const tokens = page.getByRole('region', { name: 'Access tokens' })
	await tokens.getByLabel('Name').fill('Log watcher script')
	await tokens.getByRole('button', { name: 'Create token' }).click()
	const accessToken = await tokens.getByLabel('Your new token').inputValue()
	expect(accessToken).toMatch(ACCESS_TOKEN_SECRET)
	const exchanged = await fetch(new URL('/api/tokens/exchange', page.url()), {
		method: 'POST',
		headers: { authorization: `Bearer ${accessToken}` },
	})
	expect(exchanged.status).toBe(200)
	const { access_token: accessJwt } = (await exchanged.json()) as { access_token: string }
	const config = (await (await fetch(new URL('/api/tokens/config', page.url()))).json()) as { task_api_url: string }
	expect((await fetch(`${config.task_api_url}/v1/tasks`, { headers: { authorization: `Bearer ${accessJwt}` } })).status).toBe(200)
	await page.goto('/settings')
	await tokens.getByRole('button', { name: 'Revoke Log watcher script' }).click()
	await expect(page.getByText('The token has been revoked.')).toBeVisible()
	await signOut(page)

	// The servers have written the flow's lines once a request sent after it is logged.
	const marker = `log-leak-end-${randomUUID()}`
	expect((await page.request.get('/', { headers: { 'x-request-id': marker } })).status()).toBe(200)
	await expect.poll(async () => (await readFile(LOG_FILE, 'utf8')).includes(`"requestId":"${marker}"`)).toBe(true)
	const log = await readFile(LOG_FILE, 'utf8')
	expect(log.length).toBeGreaterThan(0)
	expect(log.includes(user.email), 'an e-mail address is in the log').toBe(false)
	for (const secret of [user.password, PASSWORD, 'wrong password here', 'a wrong guess here', 'another password for the same address']) {
		expect(log.includes(secret), 'a password is in the log').toBe(false)
		expect(log.includes(encodeURIComponent(secret)), 'a password is in the log').toBe(false)
	}
	for (const value of cookieValues) {
		expect(value.length).toBeGreaterThan(10)
		// The signed cookie is "<token>.<signature>": neither half may appear.
		for (const part of [value, decodeURIComponent(value), ...decodeURIComponent(value).split('.')]) {
			if (part.length >= 16) expect(log.includes(part), 'a cookie value is in the log').toBe(false)
		}
	}
	expect(JWT.test(log), 'a JWT is in the log').toBe(false)
	expect(ACCESS_TOKEN_SECRET.test(log), 'an access token or command-line secret is in the log').toBe(false)
	expect(log.includes(accessToken.slice(11)), "the access token's secret part is in the log").toBe(false)

	const lines = log.split('\n').filter((line) => line.startsWith('{'))
	const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request')
	expect(requests.length).toBeGreaterThan(0)
	// One JSON line per request on both services: method, route, status,
	// duration, request id (and the user id once known).
	for (const line of requests.slice(-200)) {
		expect(line).toMatchObject({ method: expect.any(String), route: expect.any(String), status: expect.any(Number) })
		expect(line.requestId).toEqual(expect.any(String))
		expect(line.durationMs).toEqual(expect.any(Number))
	}
	const app = requests.filter((line) => line.service === 'taskwell-app')
	expect(app.some((line) => line.route === '/settings' && typeof line.userId === 'string')).toBe(true)
	expect(app.some((line) => line.route === '/login' && line.userId === undefined)).toBe(true)
})
