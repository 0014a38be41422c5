/**
 * Bad input against the production build (issue 13, items 5 and 10): each
 * gets a 4xx and a useful answer, never a 500, and the server logs it at
 * warn at most (no error line, no stack trace). User text on pages is
 * isolated. What the server answers: the no-js project only (bidi controls
 * refused next to their field, in both projects: bad-input.spec.ts).
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { APIRequestContext } from '@playwright/test'
import { connect } from 'node:net'
import { expect, newUser, test } from './support.ts'

const LOG_FILE = path.resolve(process.env.E2E_LOG_FILE ?? 'test-results/e2e-server.log')

type LogLine = { level?: number; service?: string; requestId?: string; method?: string; path?: string; status?: number; msg?: string }

async function logLinesSince(offset: number): Promise<{ lines: LogLine[]; unparsed: string[] }> {
	const text = (await readFile(LOG_FILE, 'utf8')).slice(offset)
	const lines: LogLine[] = []
	const unparsed: string[] = []
	for (const line of text.split('\n').filter(Boolean)) {
		try {
			lines.push(JSON.parse(line) as LogLine)
		} catch {
			unparsed.push(line)
		}
	}
	return { lines, unparsed }
}

async function logSize() {
	return (await readFile(LOG_FILE, 'utf8')).length
}

/** Sends `x-request-id` so the request's log line can be found. */
function tagged(request: APIRequestContext) {
	const ids: string[] = []
	return {
		ids,
		fetch(url: string, options: Parameters<APIRequestContext['fetch']>[1] = {}) {
			const id = randomUUID()
			ids.push(id)
			return request.fetch(url, { maxRedirects: 0, ...options, headers: { ...options.headers, 'x-request-id': id } })
		},
	}
}

/** The app server's one line per request (the task API logs the forwarded id too). */
const isAppRequestLine = (line: LogLine) => line.service === 'taskwell-app' && line.msg === 'request'

/** Every tagged request was logged, none at error level, no stack trace in the log. */
async function expectLoggedCalmly(offset: number, ids: string[], paths: string[]) {
	await expect
		.poll(async () => {
			const { lines } = await logLinesSince(offset)
			return ids.filter((id) => lines.some((line) => isAppRequestLine(line) && line.requestId === id)).length
		})
		.toBe(ids.length)
	const { lines, unparsed } = await logLinesSince(offset)
	expect(unparsed.filter((line) => /Error|\bat /.test(line))).toEqual([])
	const errors = lines.filter(
		(line) => (line.level ?? 0) >= 50 && (ids.includes(line.requestId ?? '') || paths.includes(line.path ?? '') || line.method === 'TRACE'),
	)
	expect(errors).toEqual([])
	for (const line of lines.filter((entry) => isAppRequestLine(entry) && ids.includes(entry.requestId ?? ''))) {
		expect(line.status, `${line.method} ${line.path}`).toBeGreaterThanOrEqual(400)
		expect(line.status, `${line.method} ${line.path}`).toBeLessThan(500)
	}
}

test('TRACE and other unused methods: 405 with Allow, no stack trace, no error in the log', async ({ request, baseURL }) => {
	const origin = new URL(baseURL!).origin
	const offset = await logSize()
	const client = tagged(request)
	for (const target of ['/login', '/tasks', '/favicon.svg', '/api/auth/jwks', '/no-such-page']) {
		for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
			for (const headers of [{}, { origin }] as Record<string, string>[]) {
				const response = await client.fetch(target, { method, headers })
				expect(response.status(), `${method} ${target}`).toBe(405)
				expect(response.headers()['allow'], `${method} ${target}`).toBe('GET, HEAD, POST')
				expect(response.headers()['x-content-type-options']).toBe('nosniff')
				const body = await response.text()
				expect(body).toBe('Method not allowed.')
			}
		}
	}
	await expectLoggedCalmly(offset, client.ids, [])
	const { lines } = await logLinesSince(offset)
	expect(lines.some((line) => line.level === 40 && line.method === 'TRACE' && line.msg === 'method not allowed')).toBe(true)
})

test('an HTTP/1.0 request without a Host header (a bare health check): 400, not a 500', async ({ baseURL }) => {
	// Node refuses HTTP/1.1 without Host itself; HTTP/1.0 (HAProxy's default
	// check) gets through to the app.
	const url = new URL(baseURL!)
	const offset = await logSize()
	for (const path of ['/readyz', '/login']) {
		const head = await new Promise<string>((resolve, reject) => {
			const socket = connect(Number(url.port), url.hostname, () => socket.write(`GET ${path} HTTP/1.0\r\n\r\n`))
			let received = ''
			socket.on('data', (chunk) => (received += chunk.toString('latin1')))
			socket.on('end', () => resolve(received.split('\r\n')[0] ?? ''))
			socket.on('error', reject)
		})
		expect(head, path).toMatch(/^HTTP\/1\.[01] 400 /)
	}
	const { lines } = await logLinesSince(offset)
	expect(lines.filter((line) => (line.level ?? 0) >= 50)).toEqual([])
})

test('bad query strings and a body-less POST: a 4xx page, never a 500', async ({ page, context, baseURL, signUpDirectly }) => {
	const origin = new URL(baseURL!).origin
	await signUpDirectly(page, newUser('Bad Input'))
	await page.getByLabel('Title').fill('Only task')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: 'Only task' })).toBeVisible()
	const offset = await logSize()
	const client = tagged(context.request)

	for (const query of ['cursor=x', 'q=%00', 'status=active&q=a%00b&cursor=x', 'sort=due&cursor=eyJ4IjoxfQ']) {
		const response = await client.fetch(`/tasks?${query}`)
		expect(response.status(), query).toBe(400)
		const html = await response.text()
		expect(html, query).toContain(
			query.includes('q=')
				? 'That search could not be used; showing all tasks.'
				: 'That page link is no longer valid; showing the first page.',
		)
		expect(html, query).toContain('Only task')
	}
	// The same through the browser: the page, the notice, the first page.
	await page.goto('/tasks?cursor=x')
	await expect(page.getByRole('alert')).toHaveText('That page link is no longer valid; showing the first page.')
	await expect(page.getByRole('link', { name: 'Only task' })).toBeVisible()

	for (const saved of ['__proto__', 'constructor', 'toString']) {
		const response = await client.fetch(`/settings?saved=${saved}`)
		expect(response.status(), saved).toBe(400)
		const html = await response.text()
		expect(html, saved).toContain('<h1>Settings</h1>')
		expect(html, saved).not.toContain('flash-success')
	}
	await page.goto('/settings?saved=constructor')
	await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
	await expect(page.getByRole('status')).toHaveCount(0)

	for (const target of ['/tasks', '/settings', '/tasks.data']) {
		const response = await client.fetch(target, { method: 'POST', headers: { origin } })
		expect(response.status(), target).toBe(400)
	}
	const emptyPost = await client.fetch('/tasks', { method: 'POST', headers: { origin } })
	const html = await emptyPost.text()
	expect(html).toContain('Go to the home page')
	expect(html).not.toMatch(/at .+\.(js|ts):\d+/)

	await expectLoggedCalmly(offset, client.ids, ['/tasks', '/settings', '/tasks.data'])
	const { lines } = await logLinesSince(offset)
	expect(lines.some((line) => line.level === 40 && /showing the first page/.test(line.msg ?? ''))).toBe(true)
})

test('user text on pages is isolated in <bdi>: titles, the name in the header and greeting, the email', async ({
	page,
	context,
	signUpDirectly,
}) => {
	const hebrew = 'שלום עולם 123'
	await signUpDirectly(page, { ...newUser('David Levi'), name: 'דוד Levi' })
	await page.getByLabel('Title').fill(hebrew)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: hebrew })).toBeVisible()

	const list = await (await context.request.get('/tasks')).text()
	expect(list).toMatch(new RegExp(`<a [^>]*class="task-title"[^>]*><bdi>${hebrew}</bdi></a>`))
	expect(list).toContain('Hello, <bdi>דוד Levi</bdi>')
	expect(list).toContain('<bdi class="signed-in-as">דוד Levi</bdi>')

	const id = /href="\/tasks\/([0-9a-f-]{36})"/.exec(list)?.[1]
	expect(id).toBeTruthy()
	const edit = await (await context.request.get(`/tasks/${id}`)).text()
	expect(edit).toContain(`<title>\u2068${hebrew}\u2069 · Taskwell</title>`)
	const confirm = await (await context.request.get(`/tasks/${id}/delete`)).text()
	expect(confirm).toContain(`<bdi>${hebrew}</bdi>`)
	const settings = await (await context.request.get('/settings')).text()
	expect(settings).toMatch(/Signed in as(?:<!-- -->)? <strong><bdi>[^<]+@example\.com<\/bdi><\/strong>/)
})
