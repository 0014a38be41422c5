import { randomBytes } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type APIResponse, type Locator, type Page, type Request, type TestInfo } from '@playwright/test'

export const PASSWORD = 'correct horse battery'

export function uniqueEmail(prefix = 'user') {
	return `${prefix}-${randomBytes(5).toString('hex')}@example.com`
}

export type TestUser = { name: string; email: string; password: string }

export function newUser(name = 'Ada Lovelace'): TestUser {
	return { name, email: uniqueEmail(name.split(' ')[0]?.toLowerCase()), password: PASSWORD }
}

/**
 * A client address of its own for one browser context. The e2e server runs
 * with TRUST_PROXY (as behind a load balancer), so each signing-up user is
 * one client, as in real life, and the whole suite does not share one
 * per-IP sign-up budget (50 an hour).
 */
export function uniqueClientIp() {
	const [a = 0, b = 0] = randomBytes(2)
	return `198.18.${a}.${b}`
}

export async function signUp(page: Page, user: TestUser) {
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await page.goto('/signup')
	await page.getByLabel('Name').fill(user.name)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByLabel('Confirm password').fill(user.password)
	await page.getByRole('button', { name: 'Create account' }).click()
	await expect(page).toHaveURL(/\/tasks$/)
}

export async function signIn(page: Page, user: Pick<TestUser, 'email' | 'password'>, path = '/login') {
	await page.goto(path)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/** Opens a <details> of the tasks page ("More options", "Search and sort") unless it is open. */
export async function openDetails(page: Page, summary: 'More options' | 'Search and sort') {
	const details = page.locator('details').filter({ has: page.locator('summary', { hasText: summary }) })
	if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
	await expect(details).toHaveAttribute('open', '')
}

/**
 * A form POST with this `intent` (the task forms post several to /tasks; once
 * hydrated, the page also posts the browser's time zone there).
 */
export function isPostWithIntent(request: Request, intent: string): boolean {
	return request.method() === 'POST' && new URLSearchParams(request.postData() ?? '').get('intent') === intent
}

/**
 * Holds the next POST to `path` (or its `.data` request), with `intent` when
 * given, until release() is called; `held` resolves once it is held.
 */
export async function holdPost(page: Page, path: string, intent?: string) {
	let release!: () => void
	const released = new Promise<void>((resolve) => (release = resolve))
	let seen!: () => void
	const held = new Promise<void>((resolve) => (seen = resolve))
	let holding = false
	await page.route(
		(url) => url.pathname === path || url.pathname === `${path}.data`,
		async (route) => {
			const request = route.request()
			if (holding || request.method() !== 'POST' || (intent !== undefined && !isPostWithIntent(request, intent))) return route.continue()
			holding = true
			seen()
			await released
			await route.continue()
		},
	)
	return { held, release }
}

export async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click()
	await expect(page).toHaveURL(/\/$/)
}

/**
 * Creates the account without the sign-up form: the form's own POST, sent
 * over HTTP from the page's browser context (same origin, as the form would),
 * so the session cookie it sets lands in that context. Then opens /tasks, as
 * signUp() leaves the page. `origin` defaults to the test's baseURL.
 */
export async function createSession(page: Page, user: TestUser, origin: string) {
	// Its own client address, as signUp() gives one (per-IP limits).
	const clientIp = uniqueClientIp()
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': clientIp })
	const response = await page.context().request.post(new URL('/signup', origin).href, {
		form: { name: user.name, email: user.email, password: user.password, confirmPassword: user.password },
		headers: { Origin: new URL(origin).origin, 'x-forwarded-for': clientIp },
		maxRedirects: 0,
	})
	await expectSignedIn(page, response, origin)
}

/** signIn() without the form, for a second session of an existing account: see createSession(). */
export async function createSignInSession(page: Page, user: Pick<TestUser, 'email' | 'password'>, origin: string) {
	const response = await page.context().request.post(new URL('/login', origin).href, {
		form: { email: user.email, password: user.password },
		headers: { Origin: new URL(origin).origin },
		maxRedirects: 0,
	})
	await expectSignedIn(page, response, origin)
}

async function expectSignedIn(page: Page, response: APIResponse, origin: string) {
	expect(response.status(), `${response.url()} redirects`).toBe(302)
	expect(response.headers().location).toBe('/tasks')
	expect(response.headers()['set-cookie']).toBeTruthy()
	// What the browser would have received holds no token either.
	expect(await response.text()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)
	await page.goto(new URL('/tasks', origin).href)
	await expect(page).toHaveURL(new URL('/tasks', origin).href)
}

/** Reads the newest outbox message to `email` whose subject matches. */
async function readFromOutbox<T>(page: Page, email: string, subject: RegExp, read: (message: Locator) => Promise<T>): Promise<T> {
	// The outbox answers loopback clients only, as a developer on this
	// machine; the user's own context carries its (proxied) client IP.
	const developer = await page.context().browser()!.newContext()
	try {
		const outbox = await developer.newPage()
		const message = outbox
			.getByRole('article')
			.filter({ hasText: email })
			.filter({ has: outbox.getByRole('heading', { name: subject }) })
		await expect(async () => {
			await outbox.goto('/dev/outbox')
			await expect(message.first()).toBeVisible({ timeout: 500 })
		}).toPass({ timeout: 15_000 })
		return await read(message.first())
	} finally {
		await developer.close()
	}
}

/** The link of the newest outbox message to `email` whose subject matches. */
export async function linkFromOutbox(page: Page, email: string, subject: RegExp): Promise<string> {
	const href = await readFromOutbox(page, email, subject, (message) => message.getByRole('link').first().getAttribute('href'))
	expect(href).toBeTruthy()
	return new URL(href!).pathname + new URL(href!).search
}

/** The 6-digit code (a line of its own) in the newest outbox message to `email` whose subject matches. */
export async function codeFromOutbox(page: Page, email: string, subject: RegExp): Promise<string> {
	const text = await readFromOutbox(page, email, subject, (message) => message.locator('pre').innerText())
	const code = /^(\d{6})$/m.exec(text)?.[1]
	expect(code, 'a 6-digit code in the message').toBeTruthy()
	return code!
}

export type ColorScheme = 'light' | 'dark'

/**
 * axe-core's violations on the page as it is now, one readable line each.
 * axe runs in the page, so with JavaScript disabled (the no-js project) it
 * checks a copy: the same HTML, scripts removed, loaded at the same URL (with
 * the same stylesheets) in a page of its own that may run axe.
 */
export async function axeViolations(page: Page, scheme: ColorScheme, javaScriptEnabled = true): Promise<string[]> {
	if (javaScriptEnabled) return formatViolations(await new AxeBuilder({ page }).analyze())
	const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '')
	const url = new URL(page.url())
	url.hash = ''
	const context = await page
		.context()
		.browser()!
		.newContext({ javaScriptEnabled: true, colorScheme: scheme, viewport: page.viewportSize() })
	try {
		const copy = await context.newPage()
		await copy.route(
			(requested) => requested.href === url.href,
			(route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
		)
		await copy.goto(url.href)
		return formatViolations(await new AxeBuilder({ page: copy }).analyze())
	} finally {
		await context.close()
	}
}

function formatViolations(results: Awaited<ReturnType<AxeBuilder['analyze']>>): string[] {
	return results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
				.map((node) => `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`)
				.join('; ')}`,
	)
}

/** Whether the page is one of the app's HTML pages (not a JSON answer, a plain-text refusal, …). */
async function isAppPage(page: Page): Promise<boolean> {
	return page
		.locator('html > body main#main')
		.count()
		.then((count) => count === 1)
		.catch(() => false)
}

/**
 * Checks the page in one colour scheme with axe-core (failing on any
 * violation) and attaches a full-page screenshot to the report, named
 * `<name> (<scheme>)`.
 */
export async function checkPage(page: Page, testInfo: TestInfo, name: string, scheme: ColorScheme) {
	await page.emulateMedia({ colorScheme: scheme })
	const violations = await axeViolations(page, scheme, testInfo.project.use.javaScriptEnabled !== false)
	await testInfo.attach(`${name} (${scheme})`, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' })
	expect(violations, `axe-core on ${name} (${scheme}), ${page.url()}`).toEqual([])
}

type SessionFixtures = {
	/**
	 * Automatic: every app page a test's `page` loads (each URL once per test)
	 * is checked with axe-core, and the test fails on any violation: in the
	 * light colour scheme in the no-js project and in the dark one in the js
	 * project, so every page a spec reaches is checked in both schemes across
	 * the suite at half the cost (axe is most of the suite's CPU time);
	 * pages.spec.ts checks every page in both schemes in each project. A test
	 * that checks pages itself (checkPage) can turn it off with
	 * `test.use({ axeOnLoad: false })`.
	 */
	axeOnLoad: boolean
	axeOnLoadRunner: void
	/** The name `user` signs up with (`test.use({ userName })`). */
	userName: string
	/** A new account, signed in on `page`, which shows /tasks. */
	user: TestUser
	/** signUp() without the form, for other users or pages: see createSession(). */
	signUpDirectly: (page: Page, user: TestUser, origin?: string) => Promise<void>
}

/**
 * Playwright's `test` with signed-in users. Only the sign-up and sign-in
 * specs go through those forms; the others start from a session.
 */
export const test = base.extend<SessionFixtures>({
	axeOnLoad: [true, { option: true }],
	axeOnLoadRunner: [
		async ({ page, axeOnLoad, javaScriptEnabled }, use) => {
			if (!axeOnLoad) return use()
			const scheme: ColorScheme = javaScriptEnabled ? 'dark' : 'light'
			const checked = new Set<string>()
			const found: string[] = []
			let queue = Promise.resolve()
			const onLoad = () => {
				const url = page.url()
				if (checked.has(url)) return
				checked.add(url)
				// One at a time: each switches the colour scheme and back.
				queue = queue.then(async () => {
					try {
						if (page.url() !== url || !(await isAppPage(page))) return
						await page.emulateMedia({ colorScheme: scheme })
						const lines = await axeViolations(page, scheme, javaScriptEnabled)
						// The test may have navigated away (to another site, too) while
						// axe ran: what it found belongs to no page of this URL, and
						// the URL is checked the next time a test loads it.
						if (page.url() !== url || !(await isAppPage(page))) {
							checked.delete(url)
							return
						}
						for (const line of lines) found.push(`${url} (${scheme}): ${line}`)
						await page.emulateMedia({ colorScheme: null })
					} catch (error) {
						// The test moved on (a navigation destroyed the page's context):
						// that URL is checked the next time a test loads it.
						if (!/context was destroyed|Target .*closed|navigat|reading '(?:runPartial|utils)'|axe is not defined/i.test(String(error)))
							throw error
						checked.delete(url)
					}
				})
			}
			page.on('load', onLoad)
			await use()
			page.off('load', onLoad)
			onLoad()
			await queue
			expect(found, 'axe-core violations on the pages this test loaded').toEqual([])
		},
		{ auto: true },
	],
	userName: ['Ada Lovelace', { option: true }],
	signUpDirectly: async ({ baseURL }, use) => {
		await use((page, user, origin = baseURL) => {
			if (!origin) throw new Error('signUpDirectly needs a baseURL or an origin')
			return createSession(page, user, origin)
		})
	},
	user: async ({ page, userName, signUpDirectly }, use) => {
		const user = newUser(userName)
		await signUpDirectly(page, user)
		await use(user)
	},
})

export { expect }
