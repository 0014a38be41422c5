import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import {
	test as base,
	expect,
	type APIResponse,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page,
	type Request,
	type TestInfo,
} from '@playwright/test'

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

/**
 * A new account, signed up with `signUpWith` (the form, unless another way
 * is given) in a browser context of its own that is then closed: the test's
 * own page stays signed out.
 */
export async function accountMadeElsewhere(
	browser: Browser,
	name: string,
	signUpWith: (page: Page, user: TestUser) => Promise<void> = signUp,
): Promise<TestUser> {
	const user = newUser(name)
	const context = await browser.newContext()
	await signUpWith(await context.newPage(), user)
	await context.close()
	return user
}

/** The Cookie header a request from `context` carries: all its cookies. */
export async function cookieHeader(context: BrowserContext): Promise<string> {
	return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
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

/**
 * The first add (a POST with intent=create to /tasks) reaches the app, but
 * its answer reaches the browser only once a second add has been sent, as
 * when the user clicks "Add task" again while the first is on its way.
 * `count()` is how many adds were sent.
 */
export async function answerFirstAddAfterSecond(page: Page) {
	let posts = 0
	let secondSent = () => {}
	const second = new Promise<void>((resolve) => (secondSent = resolve))
	// Adds only: once hydrated, the page also posts the browser's time zone to /tasks.
	await page.route(
		(url) => url.pathname === '/tasks' || url.pathname === '/tasks.data',
		async (route) => {
			if (!isPostWithIntent(route.request(), 'create')) return route.fallback()
			posts += 1
			if (posts > 1) {
				secondSent()
				return route.continue()
			}
			const response = await route.fetch({ maxRedirects: 0 })
			await second
			// The browser has moved on to the second submission by now.
			await route.fulfill({ response }).catch(() => {})
		},
	)
	return { count: () => posts }
}

/** The task list (all tasks) holds one task, titled `title`. */
export async function expectOneTask(page: Page, title: string) {
	await page.goto('/tasks')
	const tabs = page.getByRole('navigation', { name: 'Filter tasks' })
	await expect(tabs.getByRole('link', { name: /^All/ })).toHaveText('All (1)')
	await expect(page.getByRole('link', { name: title, exact: true })).toHaveCount(1)
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

/** The JSON lines of a server's output (pino's request and event lines), parsed. */
export function jsonLogLines(output: string): Record<string, unknown>[] {
	return output
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as Record<string, unknown>)
}

export type ColorScheme = 'light' | 'dark'

/**
 * The colour scheme a project's axe checks use: light in no-js (the page as
 * the server sends it), dark in js (once scripts ran), so the run checks
 * every page state in both (axeOnLoad, pages.spec.ts).
 */
export function projectScheme(javaScriptEnabled: boolean): ColorScheme {
	return javaScriptEnabled ? 'dark' : 'light'
}

/** What axe checks of a page: its HTML as loaded, at its URL, in its viewport. */
type PageSnapshot = { url: string; html: string; viewport: { width: number; height: number } | null }

/**
 * One page per worker (per browser) that runs axe-core on copies of pages:
 * JavaScript on (axe runs in the page), reused for every check instead of a
 * context and two pages per check. Checks on it run one at a time.
 */
const copyPages = new WeakMap<Browser, { page: Promise<Page>; queue: Promise<unknown> }>()

/**
 * axe-core's violations on a static copy of a page: the same HTML with its
 * scripts removed, served at the same URL (so the same stylesheets load), in
 * the worker's copy page, in `scheme`. The copy is needed with JavaScript
 * disabled (axe runs in the page), and it lets a test's own page move on
 * while its last load is checked.
 */
async function axeOnCopy(browser: Browser, snapshot: PageSnapshot, scheme: ColorScheme): Promise<string[]> {
	let copier = copyPages.get(browser)
	if (!copier) {
		const page = browser.newContext({ javaScriptEnabled: true }).then((context) => context.newPage())
		copier = { page, queue: Promise.resolve() }
		copyPages.set(browser, copier)
	}
	const run = copier.queue.then(async () => {
		const copy = await copier.page
		const html = snapshot.html.replace(/<script\b[\s\S]*?<\/script>/gi, '')
		const url = new URL(snapshot.url)
		url.hash = ''
		const isThePage = (requested: URL) => requested.href === url.href
		await copy.route(isThePage, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }))
		try {
			if (snapshot.viewport) await copy.setViewportSize(snapshot.viewport)
			await copy.emulateMedia({ colorScheme: scheme })
			await copy.goto(url.href)
			return formatViolations(await axeBuilder(copy).analyze())
		} finally {
			await copy.unroute(isThePage)
		}
	})
	copier.queue = run.catch(() => {})
	return run
}

/**
 * axe-core with its default rules, run in the page itself ("legacy mode"):
 * the default mode finishes every run in a new blank page of the context,
 * which only matters for cross-origin iframes (the app has none).
 */
function axeBuilder(page: Page) {
	return new AxeBuilder({ page }).setLegacyMode()
}

/**
 * axe-core's violations on the page as it is now, one readable line each.
 * With JavaScript disabled (the no-js project) axe checks a copy (see
 * axeOnCopy).
 */
export async function axeViolations(page: Page, scheme: ColorScheme, javaScriptEnabled = true): Promise<string[]> {
	if (javaScriptEnabled) return formatViolations(await axeBuilder(page).analyze())
	const snapshot = { url: page.url(), html: await page.content(), viewport: page.viewportSize() }
	return axeOnCopy(page.context().browser()!, snapshot, scheme)
}

function formatViolations(results: Awaited<ReturnType<AxeBuilder['analyze']>>): string[] {
	return results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
				.map((node) => `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`)
				.join('; ')}`,
	)
}

/** Whether the HTML is one of the app's pages (not a JSON answer, a plain-text refusal, the OpenID provider's page, …). */
function isAppPage(html: string): boolean {
	return /<main\b[^>]*\bid="main"/.test(html)
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

/** Attributes that make a page state look or read differently (axe's concern); text, ids, values and links do not. */
const STATE_ATTRIBUTES = [
	'class',
	'role',
	'type',
	'hidden',
	'open',
	'disabled',
	'dir',
	'aria-hidden',
	'aria-invalid',
	'aria-current',
	'aria-expanded',
	'aria-disabled',
	'aria-live',
]

/**
 * The distinct page state a snapshot shows, as the axe-on-load check counts
 * them: the project, the route (ids in the path as `:id`), the query's keys
 * (not their values), and the set of kinds of element on the page (tag and
 * the attributes above; how many of each, text, ids and values do not
 * count). So /tasks with 3 tasks and with 7 is one state, /tasks with a
 * form error or a "Task added." notice another.
 */
export function pageStateKey(project: string, snapshot: PageSnapshot): string {
	const url = new URL(snapshot.url)
	const route = url.pathname
		.split('/')
		.map((segment) => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ? ':id' : segment))
		.join('/')
	const queryKeys = [...new Set(url.searchParams.keys())].sort().join('&')
	const body = snapshot.html.replace(/<script\b[\s\S]*?<\/script>/gi, '').replace(/<!--[\s\S]*?-->/g, '')
	const kinds = new Set<string>()
	for (const [, tag, attributes = ''] of body.matchAll(/<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
		const parts = [tag!.toLowerCase()]
		for (const [, name, double, single, bare] of attributes.matchAll(/([\w-]+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
			const lower = name!.toLowerCase()
			const value = double ?? single ?? bare ?? ''
			if (STATE_ATTRIBUTES.includes(lower))
				parts.push(`${lower}=${lower === 'class' ? value.split(/\s+/).filter(Boolean).sort().join('.') : value}`)
		}
		kinds.add(parts.sort().join(' '))
	}
	return `${project} ${route}?${queryKeys}\n${[...kinds].sort().join('\n')}`
}

/**
 * Claims a page state for this run: true the first time any worker claims
 * `key`, false after. The run's claims are directories in
 * E2E_AXE_CLAIMS_DIR (made by tests/e2e/global-setup.ts); mkdir is atomic
 * across the workers' processes. Without the directory (a spec run on its
 * own with another config) every load is checked.
 */
function claimPageState(key: string): { claimed: boolean; release: () => void } {
	const dir = process.env.E2E_AXE_CLAIMS_DIR
	if (!dir) return { claimed: true, release: () => {} }
	const claim = path.join(dir, createHash('sha256').update(key).digest('hex').slice(0, 32))
	// The run's directory again if something (a temp cleaner) removed it:
	// the claims made so far are lost, so those states are checked again.
	mkdirSync(dir, { recursive: true })
	try {
		mkdirSync(claim)
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { claimed: false, release: () => {} }
		throw error
	}
	writeFileSync(path.join(claim, 'state.txt'), key)
	return { claimed: true, release: () => rmSync(claim, { recursive: true, force: true }) }
}

/** What the `signUpDirectly` fixture gives: createSession() on the test's baseURL, unless `origin` is given. */
export type SignUpDirectly = (page: Page, user: TestUser, origin?: string) => Promise<void>

type SessionFixtures = {
	/**
	 * Automatic: every distinct app page state the suite's `page`s load is
	 * checked with axe-core once per project, and the test that loaded it
	 * first fails on any violation: in the light colour scheme in the no-js
	 * project and in the dark one in the js project, so every page state a
	 * spec reaches is checked in both schemes across the suite (axe is most
	 * of the suite's CPU time). What counts as a distinct state:
	 * pageStateKey(). Each load is copied when it happens (its HTML, URL and
	 * viewport) and checked in the worker's copy page (axeOnCopy) while the
	 * test goes on; the test waits for its checks at its end. A state whose
	 * check found violations is not remembered, so the next test (or the
	 * retry) that reaches it fails too. pages.spec.ts checks every page the
	 * same way, light in no-js and dark in js (checkPage). A test can turn this off with
	 * `test.use({ axeOnLoad: false })`.
	 */
	axeOnLoad: boolean
	axeOnLoadRunner: void
	/** The name `user` signs up with (`test.use({ userName })`). */
	userName: string
	/** A new account, signed in on `page`, which shows /tasks. */
	user: TestUser
	/** signUp() without the form, for other users or pages: see createSession(). */
	signUpDirectly: SignUpDirectly
}

/**
 * Playwright's `test` with signed-in users. Only the sign-up and sign-in
 * specs go through those forms; the others start from a session.
 */
export const test = base.extend<SessionFixtures>({
	axeOnLoad: [true, { option: true }],
	axeOnLoadRunner: [
		async ({ page, axeOnLoad, javaScriptEnabled }, use, testInfo) => {
			if (!axeOnLoad) return use()
			const scheme = projectScheme(javaScriptEnabled)
			const browser = page.context().browser()!
			const found: string[] = []
			const checks: Promise<void>[] = []
			const onLoad = () => {
				const url = page.url()
				checks.push(
					(async () => {
						let html: string
						try {
							html = await page.content()
						} catch (error) {
							// The page moved on before its HTML was read: its next load is checked.
							if (/context was destroyed|Target .*closed|navigat/i.test(String(error))) return
							throw error
						}
						// Read after another navigation began: that one's load is checked.
						if (page.url() !== url || !isAppPage(html)) return
						const snapshot = { url, html, viewport: page.viewportSize() }
						const { claimed, release } = claimPageState(pageStateKey(testInfo.project.name, snapshot))
						if (!claimed) return
						try {
							const lines = await axeOnCopy(browser, snapshot, scheme)
							for (const line of lines) found.push(`${url} (${scheme}): ${line}`)
							if (lines.length > 0) release()
						} catch (error) {
							release()
							throw error
						}
					})(),
				)
			}
			page.on('load', onLoad)
			await use()
			page.off('load', onLoad)
			await Promise.all(checks)
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
