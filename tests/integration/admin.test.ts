/**
 * Issue 22, administration, through the real route modules (each run
 * through its real middleware: root → the admin layout's gate → the page),
 * the real Better Auth admin plugin, a real database and the real task API
 * (on this file's database, verifying the app's own tokens):
 * - ADMIN_EMAILS makes a listed address an admin only once it is verified;
 * - the gate: signed out, a user, an admin acting as someone all get the
 *   ordinary 404 for every /admin page and every forged admin POST, and
 *   nothing changes in either store;
 * - each admin action (suspend, restore, revoke a session, sign out
 *   everywhere, set the role, act as, delete) does what it says, in Better
 *   Auth and in the task API (a pre-suspension token refused within 1 s);
 * - acting as a user is limited (no /admin, no credential changes, never an
 *   admin, an hour at most) and ends cleanly;
 * - every action writes an audit row holding no secret, in a table that
 *   refuses changes; admin POSTs are throttled per admin.
 * Why: these are the powers that can lock people out or read their data, so
 * each is proven end to end rather than trusted to the plugin.
 */
import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { generateSync } from 'otplib'
import { describe, expect, test } from 'vitest'
import { call } from '#tests/api/test-support.ts'
import { freshEmail, freshIp, PASSWORD, signUp as signUpAccount } from '#tests/support/accounts.ts'
import { CookieJar } from '#tests/support/cookie-jar.ts'
import { linkIn, startSmtpServer } from '#tests/support/smtp.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const RUN = Date.now().toString(36)
/** Listed in ADMIN_EMAILS: verified by the emailed link; verified before a sign-in; never verified. */
const LISTED_BY_LINK = `listed-link-${RUN}@example.com`
const LISTED_AT_SIGN_IN = `listed-sign-in-${RUN}@example.com`
const LISTED_UNVERIFIED = `listed-unverified-${RUN}@example.com`

// The environment is read once, when the app's modules load: set it first.
const smtp = await startSmtpServer()
const api = await startTasksApiForApp()
// As an operator might type it: other case, spaces.
setEnvForThisFile({ SMTP_URL: smtp.url, ADMIN_EMAILS: ` ${LISTED_BY_LINK.toUpperCase()}, ${LISTED_AT_SIGN_IN} ,${LISTED_UNVERIFIED}` })

const app = await import('#tests/support/app.ts')
const { APP_ORIGIN, auth, db, formPost, get, runRoute, linkRoute, loginRoute, settingsRoute } = app
const { adminAudit, authEvent, account, passkey, session, twoFactor, user } = app.tables
const usersRoute = await import('#app/routes/admin/users.tsx')
const userRoute = await import('#app/routes/admin/user.tsx')
const auditRoute = await import('#app/routes/admin/audit.tsx')
const stopActingRoute = await import('#app/routes/stop-acting.ts')
const verifyRoute = await import('#app/routes/auth/verify-email.tsx')
const apiAuthRoute = await import('#app/routes/api.auth.$.ts')
const { forgetCachedSessionsOf } = await import('#app/lib/auth/session-cache.server.ts')
const { ADMIN_USER_NOT_FOUND_MESSAGE } = await import('#app/lib/task-lists.ts')
const { SUSPENDED_MESSAGE, IMPERSONATION_SECONDS } = await import('#app/lib/auth/admin-access.server.ts')
const { NOT_WHILE_ACTING_MESSAGE } = await import('#app/routes/settings/+shared/intents.server.ts')
const { SUSPENSION_END_PAST_MESSAGE } = await import('#app/routes/admin/+shared/schemas.ts')
const { USERS_PAGE_SIZE } = await import('#app/routes/admin/+shared/users.server.ts')
const { THROTTLE_RULES } = await import('#app/lib/throttle-rules.server.ts')
const { clear, recordHit } = await import('#app/lib/throttle.server.ts')
const { ACCOUNT_SUSPENDED_DETAIL } = await import('#common/accounts-contract.ts')
const tasksTables = await import('#server/db/schema.ts')

/** The IP address admin POSTs come from (the audit rows keep it). */
const ADMIN_IP = '192.0.2.10'
const NEW_PASSWORD = 'a different long password'
const SESSION_COOKIE = 'taskwell.session_token'

/**
 * Everything secret this file handles (passwords, codes, cookie values,
 * task API tokens): the audit log must hold none of it.
 */
const secrets = new Set<string>([PASSWORD, NEW_PASSWORD])

type Browser = { jar: CookieJar }
type Person = Browser & { email: string; userId: string; name: string }
/** What a route answered: a Response, or the `data()` a loader, an action or the gate threw (React Router renders its status). */
type Answer = { status: number; data: any; response: Response | null }

function isThrownData(value: unknown): value is { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null } {
	return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'DataWithResponseInit'
}

async function run(handler: unknown, request: Request, params: Record<string, string> = {}, ip = freshIp()): Promise<Answer> {
	try {
		const { response, data } = await runRoute(handler as never, request, { params, ip })
		return { status: response.status, data, response }
	} catch (error) {
		if (isThrownData(error)) return { status: error.init?.status ?? 200, data: error.data, response: null }
		throw error
	}
}

/** The browser keeps what the answer set; its cookie values are secrets. */
function keep(who: Browser | null, answer: Answer): Answer {
	if (who && answer.response) who.jar.take(answer.response)
	for (const value of who?.jar.cookies.values() ?? []) {
		secrets.add(decodeURIComponent(value))
		secrets.add(decodeURIComponent(value).split('.')[0]!)
	}
	return answer
}

function cloneJar(jar: CookieJar): CookieJar {
	const copy = new CookieJar()
	copy.cookies = new Map(jar.cookies)
	return copy
}

async function person(name: string, email = freshEmail(name.toLowerCase().replace(/\W/g, ''))): Promise<Person> {
	const jar = new CookieJar()
	const { userId } = await signUpAccount({ jar, email, name, ip: freshIp() })
	keep({ jar }, { status: 200, data: null, response: null })
	return { jar, email, userId, name }
}

/** An admin made in the database (the tests that are not about the bootstrap). */
async function newAdmin(name = 'Ada Admin'): Promise<Person> {
	const who = await person(name)
	await db.update(user).set({ role: 'admin' }).where(eq(user.id, who.userId))
	forgetCachedSessionsOf(who.userId)
	return who
}

/** GET of an /admin page, through root → admin layout → the page. */
function adminPage(who: Browser | null, path: string): Promise<Answer> {
	const { pathname } = new URL(path, APP_ORIGIN)
	const request = get(path, { cookie: who?.jar.header })
	if (pathname === '/admin') return run(usersRoute.loader, request)
	if (pathname === '/admin/audit') return run(auditRoute.loader, request)
	return run(userRoute.loader, request, { id: decodeURIComponent(pathname.slice('/admin/users/'.length)) })
}

/** A form of /admin/users/<id>, posted from `who`'s browser. */
async function onUser(who: Browser | null, targetId: string, fields: Record<string, string>): Promise<Answer> {
	const request = formPost(`/admin/users/${encodeURIComponent(targetId)}`, fields, { cookie: who?.jar.header })
	return keep(who, await run(userRoute.action, request, { id: targetId }, ADMIN_IP))
}

const postSettings = async (who: Browser, fields: Record<string, string>) =>
	keep(who, await run(settingsRoute.action, formPost('/settings', fields, { cookie: who.jar.header })))

const signIn = (email: string, password = PASSWORD) => run(loginRoute.action, formPost('/login', { email, password }))

async function isSignedIn(cookie: string): Promise<boolean> {
	const { status } = await run(settingsRoute.loader, get('/settings', { cookie }))
	expect([200, 302]).toContain(status)
	return status === 200
}

const formError = (answer: Answer, field = '') => answer.data?.result?.error?.[field]

const userRow = async (id: string) => (await db.select().from(user).where(eq(user.id, id)))[0]
const sessionsOf = (userId: string) => db.select().from(session).where(eq(session.userId, userId)).orderBy(session.createdAt)
const auditOf = (targetId: string) => db.select().from(adminAudit).where(eq(adminAudit.targetId, targetId)).orderBy(adminAudit.createdAt)
const auditCount = async () => (await db.select({ n: count() }).from(adminAudit))[0]!.n
const eventTypes = async (userId: string) => (await db.select().from(authEvent).where(eq(authEvent.userId, userId))).map((e) => e.type)

/** A task API token for the browser's session, as the app mints it. */
async function tokenOf(who: Browser): Promise<string> {
	const { token } = await auth.api.getToken({ headers: new Headers({ cookie: who.jar.header }) })
	secrets.add(token)
	return token
}
const listTasks = (token: string) => call(api, 'GET', '/v1/tasks', { token })
async function addTask(who: Browser, title: string) {
	const response = await call(api, 'POST', '/v1/tasks', { token: await tokenOf(who), body: { title } })
	expect(response.status, await response.clone().text()).toBe(201)
}
const tasksOf = (userId: string) => api.database.db.select().from(tasksTables.task).where(eq(tasksTables.task.userId, userId))
async function apiStatusRows(userId: string) {
	return api.database.db
		.select({ suspended: sql<boolean>`${tasksTables.accountStatus.suspendedUntil} is not null` })
		.from(tasksTables.accountStatus)
		.where(eq(tasksTables.accountStatus.userId, userId))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Asks the task API with `token` until it answers `settled`: 401 "This
 * account is suspended." after a suspension, 200 after a restore. Every
 * request sent 1 s or more after `since` must get it; before, the other
 * answer is allowed (each instance's blocks snapshot is up to 500 ms old).
 */
async function settlesWithinOneSecond(token: string, since: number, settled: 200 | 401) {
	const before = settled === 401 ? 200 : 401
	const late =
		settled === 401 ? 'a request sent 1 s after the suspension was let through' : 'a request sent 1 s after the restore was still refused'
	for (;;) {
		const sentAfter = performance.now() - since
		const response = await listTasks(token)
		if (response.status === 401) expect(await response.json()).toMatchObject({ status: 401, detail: ACCOUNT_SUSPENDED_DETAIL })
		if (response.status === settled) return
		expect(response.status).toBe(before)
		expect(sentAfter, late).toBeLessThan(1_000)
		await sleep(20)
	}
}

/** A day (YYYY-MM-DD, UTC: the admins here have no time zone) `days` from today. */
const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

/** Asks for an emailed sign-in link on /login (its own IP); the link's token, from the mail. */
async function signInLinkFor(email: string): Promise<string> {
	const since = smtp.received.length
	const asked = await run(loginRoute.action, formPost('/login', { intent: 'magic-link', email, password: '' }))
	expect(asked.response!.headers.get('location')).toBe('/login?link-sent=1')
	return new URL(linkIn(await smtp.waitFor(email, { since }), '/login/link?token=')).searchParams.get('token')!
}

/** The "Sign in" button of /login/link: the link's token posted back. */
const postSignInLink = (token: string) => run(linkRoute.action, formPost('/login/link', { token }))
const setsSession = (answer: Answer) =>
	(answer.response?.headers.getSetCookie() ?? []).some((line) => line.startsWith(`${SESSION_COOKIE}=`) && !/^[^=]+=;/.test(line))

/** Confirms the address the way its owner would: the emailed link, then its POST. */
async function confirmEmailByLink(email: string) {
	const since = smtp.received.length
	await run(verifyRoute.action, formPost('/verify-email', { email }))
	const link = new URL(linkIn(await smtp.waitFor(email, { since }), '/verify-email?token='))
	const answer = await run(verifyRoute.action, formPost('/verify-email', { intent: 'verify', token: link.searchParams.get('token')! }))
	expect(answer.status).toBe(302)
}

describe('ADMIN_EMAILS', () => {
	test('a listed address becomes an admin once verified (by its link, or before a sign-in); unverified or unlisted never', async () => {
		// Listed, not verified: signing up and signing in give no role.
		const byLink = await person('Listed Link', LISTED_BY_LINK)
		expect((await userRow(byLink.userId))!.role).toBe('user')
		expect((await signIn(LISTED_BY_LINK)).status).toBe(302)
		expect((await userRow(byLink.userId))!.role).toBe('user')
		expect((await adminPage(byLink, '/admin')).status).toBe(404)
		// The emailed link verifies it: an admin at once, and at the next sign-in /admin opens.
		await confirmEmailByLink(LISTED_BY_LINK)
		expect((await userRow(byLink.userId))!.role).toBe('admin')
		const adminBrowser = { jar: new CookieJar() }
		expect(keep(adminBrowser, await signIn(LISTED_BY_LINK)).status).toBe(302)
		expect((await adminPage(adminBrowser, '/admin')).status).toBe(200)

		// Verified (here straight in the table, as no hook sees) and then signing in: the sign-in promotes it, once.
		const atSignIn = await person('Listed Sign In', LISTED_AT_SIGN_IN)
		await db.update(user).set({ emailVerified: true }).where(eq(user.id, atSignIn.userId))
		expect((await userRow(atSignIn.userId))!.role).toBe('user')
		expect((await signIn(LISTED_AT_SIGN_IN)).status).toBe(302)
		expect((await userRow(atSignIn.userId))!.role).toBe('admin')
		expect((await signIn(LISTED_AT_SIGN_IN)).status).toBe(302)

		for (const promoted of [byLink, atSignIn]) {
			const rows = await auditOf(promoted.userId)
			expect(rows).toHaveLength(1)
			expect(rows[0]).toMatchObject({
				actorId: null,
				actorLabel: 'ADMIN_EMAILS',
				action: 'role-granted',
				targetEmail: promoted.email,
				reason: 'listed in ADMIN_EMAILS',
			})
		}

		// Listed, never verified: no role however often it signs in.
		const unverified = await person('Listed Unverified', LISTED_UNVERIFIED)
		expect((await signIn(LISTED_UNVERIFIED)).status).toBe(302)
		expect((await userRow(unverified.userId))!.role).toBe('user')
		expect((await adminPage(unverified, '/admin')).status).toBe(404)

		// Verified, not listed: no role.
		const unlisted = await person('Unlisted')
		await db.update(user).set({ emailVerified: true }).where(eq(user.id, unlisted.userId))
		expect((await signIn(unlisted.email)).status).toBe(302)
		expect((await userRow(unlisted.userId))!.role).toBe('user')
		expect(await auditOf(unverified.userId)).toEqual([])
		expect(await auditOf(unlisted.userId)).toEqual([])
	})
})

describe('the gate', () => {
	test('signed out, a user, an admin acting as someone: the ordinary 404 for every page and every admin POST, and nothing changes', async () => {
		const admin = await newAdmin('Gate Admin')
		const mallory = await person('Mallory')
		const target = await person('Tess Target')
		const [targetSession] = await sessionsOf(target.userId)
		await addTask(target, 'Still mine')
		// The admin acting as Mallory, in a second browser of theirs.
		const acting = { jar: cloneJar(admin.jar) }
		expect((await onUser(acting, mallory.userId, { intent: 'impersonate', password: PASSWORD })).status).toBe(302)

		const state = async () => ({
			target: await userRow(target.userId),
			mallory: await userRow(mallory.userId),
			targetSessions: (await sessionsOf(target.userId)).map((s) => s.id),
			malloryOwnSessions: (await sessionsOf(mallory.userId)).filter((s) => !s.impersonatedBy).map((s) => s.id),
			audit: await auditCount(),
			apiStatus: [...(await apiStatusRows(target.userId)), ...(await apiStatusRows(mallory.userId))],
			tasks: (await tasksOf(target.userId)).length,
		})
		const before = await state()

		const forged = (id: string, email: string): Record<string, string>[] => [
			{ intent: 'suspend', reason: 'forged' },
			{ intent: 'restore' },
			{ intent: 'revoke-session', sessionId: targetSession!.id },
			{ intent: 'sign-out-everywhere' },
			{ intent: 'impersonate', password: PASSWORD },
			{ intent: 'set-role', role: 'admin' },
			{ intent: 'delete-user', confirmEmail: email },
			{ intent: 'no-such-intent', id },
		]
		const visitors: Array<[string, Browser | null]> = [
			['signed out', null],
			['a user', mallory],
			['an admin acting as a user', acting],
		]
		for (const [who, browser] of visitors) {
			for (const path of ['/admin', '/admin?q=tess', `/admin/users/${target.userId}`, '/admin/audit']) {
				expect((await adminPage(browser, path)).status, `${who}: GET ${path}`).toBe(404)
			}
			for (const fields of forged(target.userId, target.email)) {
				const answer = await onUser(browser, target.userId, fields)
				expect(answer.status, `${who}: POST ${fields.intent}`).toBe(404)
			}
			// A user making themselves an admin.
			expect((await onUser(browser, mallory.userId, { intent: 'set-role', role: 'admin' })).status, who).toBe(404)
		}
		expect(await state()).toEqual(before)
		expect(before.target!).toMatchObject({ role: 'user', banned: false })
		expect(before.mallory!.role).toBe('user')
		expect(before.apiStatus).toEqual([])
		expect(await isSignedIn(target.jar.header)).toBe(true)
		expect((await listTasks(await tokenOf(target))).status).toBe(200)

		// Acting as someone who is (since) an admin opens nothing either: the acting session is what counts.
		await db.update(user).set({ role: 'admin' }).where(eq(user.id, mallory.userId))
		forgetCachedSessionsOf(mallory.userId)
		expect((await adminPage(mallory, '/admin')).status).toBe(200)
		expect((await adminPage(acting, '/admin')).status).toBe(404)
		expect((await onUser(acting, target.userId, { intent: 'suspend', reason: 'forged' })).status).toBe(404)
		expect((await userRow(target.userId))!.banned).toBe(false)
		await db.update(user).set({ role: 'user' }).where(eq(user.id, mallory.userId))
		forgetCachedSessionsOf(mallory.userId)

		// The admin, as themselves: each page, never cached or indexed.
		for (const path of ['/admin', `/admin/users/${target.userId}`, '/admin/audit']) {
			const page = await adminPage(admin, path)
			expect(page.status, path).toBe(200)
			expect(page.response!.headers.get('cache-control'), path).toBe('no-store')
			expect(page.response!.headers.get('x-robots-tag'), path).toBe('noindex, nofollow')
		}
		const details = await adminPage(admin, `/admin/users/${target.userId}`)
		expect(details.data.user).toMatchObject({ id: target.userId, email: target.email, role: 'user', suspended: false })
		expect(JSON.stringify(details.data)).not.toContain(targetSession!.token)
	})
})

describe('the users list', () => {
	test('searches by a part of the email or of the name; pages by cursor, newest first, with no overlap', async () => {
		const admin = await newAdmin('List Admin')
		// 2 pages' worth of accounts, straight into the table (the list is not about sign-up),
		// three to a millisecond so the cursor's tie-break (the id) is exercised.
		const base = Date.now() - 60_000
		const made = Array.from({ length: USERS_PAGE_SIZE + 5 }, (_, i) => ({
			id: `list-${RUN}-${String(i).padStart(2, '0')}`,
			name: `Pagina Zebrafish ${i}`,
			email: `zebra-${i}-${RUN}@list.example`,
			emailVerified: i % 2 === 0,
			createdAt: new Date(base + Math.floor(i / 3)),
		}))
		await db.insert(user).values(made)

		const page = async (query: Record<string, string>) => {
			const answer = await adminPage(admin, `/admin?${new URLSearchParams(query)}`)
			expect(answer.status).toBe(200)
			return answer.data as { q: string; users: Array<{ id: string; email: string }>; next: string | null; paged: boolean }
		}
		const first = await page({ q: 'zebrafish' })
		expect(first.users).toHaveLength(USERS_PAGE_SIZE)
		expect(first.next).toEqual(expect.any(String))
		expect(first.paged).toBe(false)
		const second = await page({ q: 'zebrafish', cursor: first.next! })
		expect(second.paged).toBe(true)
		expect(second.next).toBeNull()
		expect(second.users).toHaveLength(5)
		const ids = [...first.users, ...second.users].map((row) => row.id)
		expect(new Set(ids).size).toBe(made.length)
		// Newest first; within one millisecond the greater id first.
		expect(ids).toEqual(
			[...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id),
		)

		// A part of the name, any case; a part of the email.
		expect((await page({ q: 'PAGINA zebra' })).users).toHaveLength(USERS_PAGE_SIZE)
		expect((await page({ q: `zebra-7-${RUN}@` })).users.map((row) => row.email)).toEqual([`zebra-7-${RUN}@list.example`])
		expect((await page({ q: 'list.example' })).users).toHaveLength(USERS_PAGE_SIZE)
		// LIKE's wildcards are themselves.
		expect((await page({ q: 'zebra_7' })).users).toEqual([])
		expect((await page({ q: 'no account has this 9f8e7d' })).users).toEqual([])
		// The user page of one of them; the list holds no secret.
		expect((await adminPage(admin, `/admin/users/${made[0]!.id}`)).data.user.email).toBe(made[0]!.email)
		expect(JSON.stringify(first)).not.toMatch(/password|token/i)
	})
})

describe('suspend and restore', () => {
	test('a reason is required and the end must be after today; then sessions end, the API refuses the earlier token within 1 s, sign-in says suspended; restore undoes it', async () => {
		const admin = await newAdmin('Suspending Admin')
		const target = await person('Sam Suspended')
		await addTask(target, 'Before the suspension')
		const tokenBefore = await tokenOf(target)
		expect((await listTasks(tokenBefore)).status).toBe(200)
		const auditBefore = await auditCount()

		const empty = await onUser(admin, target.userId, { intent: 'suspend', reason: '   ' })
		expect(empty.status).toBe(400)
		expect(formError(empty, 'reason')).toEqual(['Give a reason'])
		const yesterday = await onUser(admin, target.userId, { intent: 'suspend', reason: 'Spam', until: dayFromToday(-1) })
		expect(yesterday.status).toBe(400)
		expect(formError(yesterday, 'until')).toEqual([SUSPENSION_END_PAST_MESSAGE])
		expect(SUSPENSION_END_PAST_MESSAGE).toMatch(/^Until must be a day after today/)
		expect(await userRow(target.userId)).toMatchObject({ banned: false, banReason: null })
		expect(await sessionsOf(target.userId)).toHaveLength(1)
		expect(await auditCount()).toBe(auditBefore)
		expect(await apiStatusRows(target.userId)).toEqual([])
		expect((await listTasks(tokenBefore)).status).toBe(200)

		const suspended = await onUser(admin, target.userId, { intent: 'suspend', reason: 'Spam, ticket #42' })
		const suspendedAt = performance.now()
		const suspendedWall = Date.now()
		expect(suspended.status).toBe(302)
		expect(suspended.response!.headers.get('location')).toBe(`/admin/users/${target.userId}`)
		expect(await userRow(target.userId)).toMatchObject({ banned: true, banReason: 'Spam, ticket #42', banExpires: null })
		// Every session gone: the browser is signed out.
		expect(await sessionsOf(target.userId)).toEqual([])
		expect(await isSignedIn(target.jar.header)).toBe(false)
		// The token minted before the suspension: refused by the real API.
		await settlesWithinOneSecond(tokenBefore, suspendedAt, 401)
		// Signing in with the right password: told so, no session.
		const refused = await signIn(target.email)
		expect(refused.status).toBe(403)
		expect(formError(refused)).toEqual([SUSPENDED_MESSAGE])
		expect(SUSPENDED_MESSAGE).toBe('This account is suspended.')
		expect(await sessionsOf(target.userId)).toEqual([])
		// A wrong password learns nothing.
		expect((await signIn(target.email, 'not the password at all')).status).toBe(401)
		const [row] = (await auditOf(target.userId)).filter((r) => r.action === 'user-suspended')
		expect(row).toMatchObject({ actorId: admin.userId, actorLabel: admin.email, reason: 'Spam, ticket #42', ipAddress: ADMIN_IP })
		expect(await eventTypes(target.userId)).toContain('account-suspended')
		const details = await adminPage(admin, `/admin/users/${target.userId}`)
		expect(details.data.user).toMatchObject({ suspended: true, suspension: { reason: 'Spam, ticket #42', until: null } })

		const restored = await onUser(admin, target.userId, { intent: 'restore' })
		const restoredAt = performance.now()
		expect(restored.status).toBe(302)
		expect(await userRow(target.userId)).toMatchObject({ banned: false })
		const again = await signIn(target.email)
		expect(again.status).toBe(302)
		const back = { jar: new CookieJar() }
		keep(back, again)
		expect(await isSignedIn(back.jar.header)).toBe(true)
		// A token minted after the suspension works (its iat, whole seconds, after the suspension's);
		// the one minted before never again.
		await sleep(Math.max(0, (Math.floor(suspendedWall / 1000) + 1) * 1000 + 20 - Date.now()))
		await settlesWithinOneSecond(await tokenOf(back), restoredAt, 200)
		expect((await listTasks(tokenBefore)).status).toBe(401)
		expect((await auditOf(target.userId)).map((r) => r.action)).toEqual(['user-suspended', 'user-restored'])
		expect(await eventTypes(target.userId)).toContain('account-restored')
		// Restoring an account that is not suspended: refused, no audit row.
		const twice = await onUser(admin, target.userId, { intent: 'restore' })
		expect(twice.status).toBe(409)
		expect(await auditOf(target.userId)).toHaveLength(2)
		// An admin cannot suspend themselves.
		expect((await onUser(admin, admin.userId, { intent: 'suspend', reason: 'oops' })).status).toBe(400)
		expect((await userRow(admin.userId))!.banned).toBe(false)
	})

	test('a suspension until a day is stored with its end, and lifts itself once it has passed', async () => {
		const admin = await newAdmin('Until Admin')
		const target = await person('Una Until')
		const tomorrow = dayFromToday(1)
		const answer = await onUser(admin, target.userId, { intent: 'suspend', reason: 'Cooling off', until: tomorrow })
		expect(answer.status).toBe(302)
		const row = await userRow(target.userId)
		expect(row).toMatchObject({ banned: true, banReason: 'Cooling off' })
		// The start of that day (UTC: the admin has no time zone), give or take Better Auth's rounding to the second.
		expect(Math.abs(row!.banExpires!.getTime() - new Date(`${tomorrow}T00:00:00Z`).getTime())).toBeLessThan(2_000)
		const [audit] = await auditOf(target.userId)
		expect(audit!.reason).toBe(`Cooling off (until ${tomorrow}T00:00:00.000Z)`)
		expect(await apiStatusRows(target.userId)).toEqual([{ suspended: true }])
		expect((await signIn(target.email)).status).toBe(403)

		// The end passes: the next sign-in works and lifts it.
		await db
			.update(user)
			.set({ banExpires: new Date(Date.now() - 60_000) })
			.where(eq(user.id, target.userId))
		const signedIn = await signIn(target.email)
		expect(signedIn.status).toBe(302)
		expect(await userRow(target.userId)).toMatchObject({ banned: false, banExpires: null })
	})
})

describe('the other ways of signing in while suspended', () => {
	test('an emailed link, sent before or during the suspension: the link page says suspended, no session; after restore a new link signs in', async () => {
		const admin = await newAdmin('Link Admin')
		const target = await person('Lia Link')
		await confirmEmailByLink(target.email)
		const sentBefore = await signInLinkFor(target.email)
		expect((await onUser(admin, target.userId, { intent: 'suspend', reason: 'Link abuse' })).status).toBe(302)
		// The request's answer is the same for everyone: the mail still goes out.
		const sentDuring = await signInLinkFor(target.email)

		for (const token of [sentBefore, sentDuring]) {
			const refused = await postSignInLink(token)
			expect(refused.status).toBe(400)
			expect(refused.data).toEqual({ problem: SUSPENDED_MESSAGE })
			expect(setsSession(refused)).toBe(false)
			expect(await sessionsOf(target.userId)).toEqual([])
		}
		// Nothing else changed: the password is still the account's (and still refused).
		expect(formError(await signIn(target.email))).toEqual([SUSPENDED_MESSAGE])

		expect((await onUser(admin, target.userId, { intent: 'restore' })).status).toBe(302)
		// A refused link was used up: it does not come back to life.
		const replayed = await postSignInLink(sentBefore)
		expect(replayed.data).toEqual({ problem: 'This sign-in link has expired or has already been used.' })
		expect(setsSession(replayed)).toBe(false)
		const used = await postSignInLink(await signInLinkFor(target.email))
		expect(used.status).toBe(302)
		expect(used.response!.headers.get('location')).toBe('/tasks')
		expect(setsSession(used)).toBe(true)
		const back = { jar: new CookieJar() }
		keep(back, used)
		expect(await isSignedIn(back.jar.header)).toBe(true)
		expect(await sessionsOf(target.userId)).toHaveLength(1)
		expect((await signIn(target.email)).status).toBe(302)
	})
})

describe('an unknown account', () => {
	test('its page and every form answer 404 with the message, never a 500', async () => {
		const admin = await newAdmin('Unknown Admin')
		for (const id of ['no-such-account', crypto.randomUUID(), 'x'.repeat(65)]) {
			const page = await adminPage(admin, `/admin/users/${id}`)
			expect(page.status, id).toBe(404)
			expect(page.data).toBe(ADMIN_USER_NOT_FOUND_MESSAGE)
			const forms: Record<string, string>[] = [
				{ intent: 'suspend', reason: 'x' },
				{ intent: 'restore' },
				{ intent: 'revoke-session', sessionId: 'x' },
				{ intent: 'sign-out-everywhere' },
				{ intent: 'impersonate', password: PASSWORD },
				{ intent: 'set-role', role: 'admin' },
				{ intent: 'delete-user', confirmEmail: 'x@example.com' },
			]
			for (const fields of forms) {
				const answer = await onUser(admin, id, fields)
				expect(answer.status, `${id} ${fields.intent}`).toBe(404)
				expect(answer.data).toBe(ADMIN_USER_NOT_FOUND_MESSAGE)
			}
		}
		expect(ADMIN_USER_NOT_FOUND_MESSAGE).toBe('There is no account with that id: it may have been deleted.')
	})
})

describe('sessions', () => {
	test('revoke one session ends exactly that one; sign out everywhere ends all; both audited', async () => {
		const admin = await newAdmin('Session Admin')
		const target = await person('Sid Sessions')
		const second = { jar: new CookieJar() }
		keep(second, await signIn(target.email))
		const third = { jar: new CookieJar() }
		keep(third, await signIn(target.email))
		const sessions = await sessionsOf(target.userId)
		expect(sessions).toHaveLength(3)
		const secondSession = sessions[1]!

		const revoked = await onUser(admin, target.userId, { intent: 'revoke-session', sessionId: secondSession.id })
		expect(revoked.status).toBe(302)
		expect((await sessionsOf(target.userId)).map((s) => s.id)).toEqual([sessions[0]!.id, sessions[2]!.id])
		expect(await isSignedIn(second.jar.header)).toBe(false)
		expect(await isSignedIn(target.jar.header)).toBe(true)
		expect(await isSignedIn(third.jar.header)).toBe(true)
		// Already ended, or someone else's: refused, nothing ends.
		expect((await onUser(admin, target.userId, { intent: 'revoke-session', sessionId: secondSession.id })).status).toBe(404)
		const [adminSession] = await sessionsOf(admin.userId)
		expect((await onUser(admin, target.userId, { intent: 'revoke-session', sessionId: adminSession!.id })).status).toBe(404)
		expect(await sessionsOf(admin.userId)).toHaveLength(1)

		const everywhere = await onUser(admin, target.userId, { intent: 'sign-out-everywhere' })
		expect(everywhere.status).toBe(302)
		expect(await sessionsOf(target.userId)).toEqual([])
		expect(await isSignedIn(target.jar.header)).toBe(false)
		expect(await isSignedIn(third.jar.header)).toBe(false)
		expect(await isSignedIn(admin.jar.header)).toBe(true)
		expect((await auditOf(target.userId)).map((r) => [r.action, r.actorId])).toEqual([
			['session-revoked', admin.userId],
			['sessions-revoked', admin.userId],
		])
		expect((await eventTypes(target.userId)).filter((type) => type === 'session-revoked')).toHaveLength(2)
	})
})

describe('roles', () => {
	test('user → admin → user, audited; the last admin cannot remove their own role', async () => {
		const admin = await newAdmin('Role Admin')
		const target = await person('Rae Role')
		const granted = await onUser(admin, target.userId, { intent: 'set-role', role: 'admin' })
		expect(granted.status).toBe(302)
		expect((await userRow(target.userId))!.role).toBe('admin')
		expect((await adminPage(target, '/admin')).status).toBe(200)
		const revoked = await onUser(admin, target.userId, { intent: 'set-role', role: 'user' })
		expect(revoked.status).toBe(302)
		expect((await userRow(target.userId))!.role).toBe('user')
		expect((await adminPage(target, '/admin')).status).toBe(404)
		expect((await auditOf(target.userId)).map((r) => [r.action, r.reason])).toEqual([
			['role-granted', 'user → admin'],
			['role-revoked', 'admin → user'],
		])
		expect((await onUser(admin, target.userId, { intent: 'set-role', role: 'superuser' })).status).toBe(400)

		// The only admin left (the others of this file are made users here): refused, still an admin.
		await db
			.update(user)
			.set({ role: 'user' })
			.where(and(eq(user.role, 'admin'), sql`${user.id} <> ${admin.userId}`))
		const lastAdmin = await onUser(admin, admin.userId, { intent: 'set-role', role: 'user' })
		expect(lastAdmin.status).toBe(409)
		expect(formError(lastAdmin, 'role')).toEqual(['You are the last admin: make someone else an admin before removing your own role.'])
		expect((await userRow(admin.userId))!.role).toBe('admin')
		expect(await auditOf(admin.userId)).toEqual([])
		// With a second admin, they can; /admin is then closed to them.
		expect((await onUser(admin, target.userId, { intent: 'set-role', role: 'admin' })).status).toBe(302)
		const stepDown = await onUser(admin, admin.userId, { intent: 'set-role', role: 'user' })
		expect(stepDown.status).toBe(302)
		expect(stepDown.response!.headers.get('location')).toBe('/tasks')
		expect((await adminPage(admin, '/admin')).status).toBe(404)
	})
})

describe('acting as a user', () => {
	test('the password again; a session of at most an hour beside the admin’s; no /admin, no credential changes; the token names the admin; stop acting', async () => {
		const admin = await newAdmin('Acting Admin')
		const target = await person('Ivy Impersonated')
		const otherAdmin = await newAdmin('Other Admin')
		const [adminSession] = await sessionsOf(admin.userId)
		const adminCookie = admin.jar.cookies.get(SESSION_COOKIE)
		const actingSessions = async (userId: string) =>
			db
				.select()
				.from(session)
				.where(and(eq(session.userId, userId), isNotNull(session.impersonatedBy)))

		// Never an admin.
		const asAdmin = await onUser(admin, otherAdmin.userId, { intent: 'impersonate', password: PASSWORD })
		expect(asAdmin.status).toBe(403)
		expect(formError(asAdmin)).toEqual(['Admins cannot act as other admins.'])
		expect(await actingSessions(otherAdmin.userId)).toEqual([])
		expect(admin.jar.cookies.get(SESSION_COOKIE)).toBe(adminCookie)

		// The wrong password: a field error, no session.
		const wrong = await onUser(admin, target.userId, { intent: 'impersonate', password: 'not my password at all' })
		expect(wrong.status).toBe(400)
		expect(formError(wrong, 'password')).toEqual(['Incorrect password'])
		expect(await actingSessions(target.userId)).toEqual([])
		// Neither the password nor a code comes back with the form (the page would put it into its HTML).
		expect(JSON.stringify(wrong.data)).not.toContain('not my password at all')
		const badCode = await onUser(admin, target.userId, { intent: 'impersonate', password: PASSWORD, code: '9'.repeat(40) })
		expect(badCode.status).toBe(400)
		expect(formError(badCode, 'code')).toEqual(['That code is not valid.'])
		expect(JSON.stringify(badCode.data)).not.toMatch(new RegExp(`${PASSWORD}|9999`))

		const started = await onUser(admin, target.userId, { intent: 'impersonate', password: PASSWORD })
		expect(started.status).toBe(302)
		expect(started.response!.headers.get('location')).toBe('/tasks')
		expect(admin.jar.cookies.get(SESSION_COOKIE)).not.toBe(adminCookie)
		const [acting] = await actingSessions(target.userId)
		expect(acting).toMatchObject({ impersonatedBy: admin.userId })
		expect(acting!.expiresAt.getTime() - acting!.createdAt.getTime()).toBeLessThanOrEqual(IMPERSONATION_SECONDS * 1000 + 1_000)
		expect(acting!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + IMPERSONATION_SECONDS * 1000)
		expect(admin.jar.header).toContain(acting!.token)
		// The admin's own session waits; the user's own is untouched.
		expect((await sessionsOf(admin.userId)).map((s) => s.id)).toEqual([adminSession!.id])
		expect((await sessionsOf(target.userId)).filter((s) => !s.impersonatedBy)).toHaveLength(1)
		expect(await isSignedIn(admin.jar.header)).toBe(true)

		// No /admin while acting.
		for (const path of ['/admin', `/admin/users/${target.userId}`, '/admin/audit']) {
			expect((await adminPage(admin, path)).status, path).toBe(404)
		}
		expect((await onUser(admin, target.userId, { intent: 'set-role', role: 'admin' })).status).toBe(404)

		// No credential changes while acting (the forms are refused, whatever is posted).
		await db.insert(passkey).values({
			id: `pk-${RUN}`,
			name: 'Phone',
			publicKey: 'pk',
			userId: target.userId,
			credentialID: `cred-${RUN}`,
			counter: 0,
			deviceType: 'singleDevice',
			backedUp: false,
		})
		const credentials = async () => ({
			user: await userRow(target.userId),
			accounts: await db.select().from(account).where(eq(account.userId, target.userId)),
			passkeys: await db.select().from(passkey).where(eq(passkey.userId, target.userId)),
			twoFactor: await db.select().from(twoFactor).where(eq(twoFactor.userId, target.userId)),
		})
		const before = await credentials()
		const newEmail = freshEmail('taken-over')
		const credentialForms: Record<string, string>[] = [
			{ intent: 'change-password', currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
			{ intent: 'change-email', newEmail, currentPassword: PASSWORD },
			{ intent: 'two-factor-enable', password: PASSWORD },
			{ intent: 'delete-account', password: PASSWORD },
			{ intent: 'passkey-delete', id: `pk-${RUN}` },
		]
		for (const fields of credentialForms) {
			const answer = await postSettings(admin, fields)
			expect(answer.status, fields.intent).toBe(403)
			expect(formError(answer), fields.intent).toEqual([NOT_WHILE_ACTING_MESSAGE])
		}
		const passkeyOptions = await run(apiAuthRoute.loader, get('/api/auth/passkey/generate-register-options', { cookie: admin.jar.header }))
		expect(passkeyOptions.status).toBe(403)
		const passkeyVerify = await run(
			apiAuthRoute.action,
			new Request(`${APP_ORIGIN}/api/auth/passkey/verify-registration`, {
				method: 'POST',
				headers: { cookie: admin.jar.header, origin: APP_ORIGIN, 'content-type': 'application/json' },
				body: '{}',
			}),
		)
		expect(passkeyVerify.status).toBe(403)
		expect(await credentials()).toEqual(before)
		expect(await db.select().from(user).where(eq(user.email, newEmail))).toEqual([])
		expect(smtp.countTo(newEmail)).toBe(0)
		// What stays open: the name.
		expect((await postSettings(admin, { intent: 'update-name', name: 'Ivy I.' })).status).toBe(302)
		// Used, the acting session is not extended past its hour.
		const [used] = await actingSessions(target.userId)
		expect(used!.expiresAt.getTime()).toBeLessThanOrEqual(acting!.createdAt.getTime() + IMPERSONATION_SECONDS * 1000 + 1_000)

		// The task API token names the admin as the actor, and the API takes it.
		const token = await tokenOf(admin)
		expect(decodeJwt(token)).toMatchObject({ sub: target.userId, act: { sub: admin.userId } })
		expect((await listTasks(token)).status).toBe(200)
		expect(await eventTypes(target.userId)).toContain('admin-acted-as-you')

		// Stop acting: the admin's own session back, the acting one ended.
		const stopped = keep(admin, await run(stopActingRoute.action, formPost('/stop-acting', {}, { cookie: admin.jar.header })))
		expect(stopped.status).toBe(302)
		expect(stopped.response!.headers.get('location')).toBe('/admin')
		expect(admin.jar.cookies.get(SESSION_COOKIE)).toBe(adminCookie)
		expect(admin.jar.header).not.toMatch(/admin_session=/)
		expect(await actingSessions(target.userId)).toEqual([])
		expect((await adminPage(admin, '/admin')).status).toBe(200)
		expect(decodeJwt(await tokenOf(admin))).not.toHaveProperty('act')
		expect((await auditOf(target.userId)).map((r) => [r.action, r.actorId])).toEqual([
			['impersonation-started', admin.userId],
			['impersonation-stopped', admin.userId],
		])
	})

	test('an acting session older than an hour is no session', async () => {
		const admin = await newAdmin('Hour Admin')
		const target = await person('Hal Hour')
		const browser = { jar: cloneJar(admin.jar) }
		expect((await onUser(browser, target.userId, { intent: 'impersonate', password: PASSWORD })).status).toBe(302)
		expect(await isSignedIn(browser.jar.header)).toBe(true)
		const [acting] = await db
			.select()
			.from(session)
			.where(and(eq(session.userId, target.userId), isNotNull(session.impersonatedBy)))
		// Better Auth would extend the row's expiry on use; the start is what counts.
		await db
			.update(session)
			.set({ createdAt: new Date(Date.now() - (IMPERSONATION_SECONDS + 60) * 1000), expiresAt: new Date(Date.now() + 86_400_000) })
			.where(eq(session.id, acting!.id))
		forgetCachedSessionsOf(target.userId)
		expect(await isSignedIn(browser.jar.header)).toBe(false)
		const settingsPost = await postSettings({ jar: cloneJar(browser.jar) }, { intent: 'update-name', name: 'Late' })
		expect(settingsPost.status).toBe(302)
		expect(settingsPost.response!.headers.get('location')).toMatch(/^\/login/)
		expect((await userRow(target.userId))!.name).toBe('Hal Hour')
		expect((await run(stopActingRoute.action, formPost('/stop-acting', {}, { cookie: browser.jar.header }))).status).toBe(302)
		// The admin's own session was never touched.
		expect(await isSignedIn(admin.jar.header)).toBe(true)
	})

	test('an admin with two-factor on gives a code too', async () => {
		const admin = await newAdmin('Two Factor Admin')
		const target = await person('Tia Target')
		expect((await postSettings(admin, { intent: 'two-factor-enable', password: PASSWORD })).status).toBe(302)
		const page = await run(settingsRoute.loader, get('/settings', { cookie: admin.jar.header }))
		const secret = page.data.twoFactorSetup.secret as string
		const verified = await postSettings(admin, {
			intent: 'two-factor-verify',
			code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }),
		})
		expect(verified.status).toBe(200)
		const backupCodes = verified.data.backupCodes as string[]
		backupCodes.forEach((code) => secrets.add(code))
		const acting = async () =>
			db
				.select()
				.from(session)
				.where(and(eq(session.userId, target.userId), isNotNull(session.impersonatedBy)))

		const noCode = await onUser(admin, target.userId, { intent: 'impersonate', password: PASSWORD })
		expect(noCode.status).toBe(400)
		expect(formError(noCode, 'code')).toEqual(['Enter a code from your authenticator app (or a backup code).'])
		const wrongCode = await onUser(admin, target.userId, { intent: 'impersonate', password: PASSWORD, code: 'ABCD-EFGH' })
		expect(wrongCode.status).toBe(400)
		expect(formError(wrongCode, 'code')).toEqual(['That code is not valid.'])
		expect(JSON.stringify(wrongCode.data)).not.toMatch(new RegExp(`${PASSWORD}|ABCD-EFGH`))
		expect(await acting()).toEqual([])
		const withCode = await onUser(admin, target.userId, { intent: 'impersonate', password: PASSWORD, code: backupCodes[0]! })
		expect(withCode.status).toBe(302)
		expect(await acting()).toHaveLength(1)
		const stopped = keep(admin, await run(stopActingRoute.action, formPost('/stop-acting', {}, { cookie: admin.jar.header })))
		expect(stopped.response!.headers.get('location')).toBe('/admin')
		expect((await adminPage(admin, '/admin')).status).toBe(200)
	})
})

describe('deleting an account', () => {
	test('the email typed to confirm; then the tasks on the task API, the account, its sessions; a suspended account too', async () => {
		const admin = await newAdmin('Deleting Admin')
		const target = await person('Dee Deleted')
		await addTask(target, 'One')
		await addTask(target, 'Two')

		const wrong = await onUser(admin, target.userId, { intent: 'delete-user', confirmEmail: 'someone-else@example.com' })
		expect(wrong.status).toBe(400)
		expect(formError(wrong, 'confirmEmail')).toEqual([`Type the account's email, ${target.email}, to confirm.`])
		expect(await userRow(target.userId)).toBeDefined()
		expect(await tasksOf(target.userId)).toHaveLength(2)

		const deleted = await onUser(admin, target.userId, { intent: 'delete-user', confirmEmail: ` ${target.email.toUpperCase()} ` })
		expect(deleted.status).toBe(302)
		expect(deleted.response!.headers.get('location')).toBe('/admin')
		expect(await userRow(target.userId)).toBeUndefined()
		expect(await sessionsOf(target.userId)).toEqual([])
		expect(await tasksOf(target.userId)).toEqual([])
		expect(await isSignedIn(target.jar.header)).toBe(false)
		expect(await eventTypes(target.userId)).toContain('account-deleted')
		expect((await auditOf(target.userId)).map((r) => [r.action, r.targetEmail])).toEqual([['user-deleted', target.email]])
		const gone = await adminPage(admin, `/admin/users/${target.userId}`)
		expect([gone.status, gone.data]).toEqual([404, ADMIN_USER_NOT_FOUND_MESSAGE])

		// Suspended first: the API lets the deletion (scope account:delete) through.
		const suspended = await person('Sus Deleted')
		await addTask(suspended, 'Three')
		expect((await onUser(admin, suspended.userId, { intent: 'suspend', reason: 'Abuse' })).status).toBe(302)
		expect(await apiStatusRows(suspended.userId)).toEqual([{ suspended: true }])
		const deletedSuspended = await onUser(admin, suspended.userId, { intent: 'delete-user', confirmEmail: suspended.email })
		expect(deletedSuspended.status).toBe(302)
		expect(await userRow(suspended.userId)).toBeUndefined()
		expect(await tasksOf(suspended.userId)).toEqual([])
		expect((await auditOf(suspended.userId)).map((r) => r.action)).toEqual(['user-suspended', 'user-deleted'])

		// Never an admin (the role goes first).
		const otherAdmin = await newAdmin('Kept Admin')
		const refused = await onUser(admin, otherAdmin.userId, { intent: 'delete-user', confirmEmail: otherAdmin.email })
		expect(refused.status).toBe(409)
		expect(await userRow(otherAdmin.userId)).toBeDefined()
	})
})

describe('the throttle', () => {
	test('admin POSTs beyond the limit answer 429 with Retry-After, and change nothing', async () => {
		const admin = await newAdmin('Busy Admin')
		const target = await person('Tim Throttled')
		const rule = THROTTLE_RULES.adminActionsPerAdmin
		try {
			for (let i = 0; i < rule.limit; i++) await recordHit(rule, admin.userId)
			const throttled = await onUser(admin, target.userId, { intent: 'suspend', reason: 'One too many' })
			expect(throttled.status).toBe(429)
			expect(throttled.response!.headers.get('retry-after')).toMatch(/^\d+$/)
			expect(formError(throttled)?.[0]).toMatch(/^Too many attempts\. Try again in/)
			expect(await userRow(target.userId)).toMatchObject({ banned: false })
			expect(await sessionsOf(target.userId)).toHaveLength(1)
			expect(await auditOf(target.userId)).toEqual([])
			expect(await apiStatusRows(target.userId)).toEqual([])
		} finally {
			await clear(rule, admin.userId)
		}
		expect((await onUser(admin, target.userId, { intent: 'sign-out-everywhere' })).status).toBe(302)
	})
})

// Last: it reads every audit row the tests above wrote.
describe('the audit log', () => {
	test('no row holds a password, code, cookie, session token or JWT; the table refuses changes; /admin/audit lists the rows', async () => {
		const rows = await db.select().from(adminAudit).orderBy(desc(adminAudit.createdAt))
		expect(rows.length).toBeGreaterThan(10)
		for (const { token } of await db.select({ token: session.token }).from(session)) secrets.add(token)
		const forbidden = [...secrets].filter((secret) => secret.length >= 8)
		for (const row of rows) {
			for (const [column, value] of Object.entries(row)) {
				if (typeof value !== 'string') continue
				expect(value, `${row.action}.${column}`).not.toMatch(/eyJ/)
				for (const secret of forbidden) expect(value.includes(secret), `${row.action}.${column} holds a secret`).toBe(false)
			}
		}
		const actions = new Set(rows.map((row) => row.action))
		for (const action of [
			'role-granted',
			'role-revoked',
			'user-suspended',
			'user-restored',
			'session-revoked',
			'sessions-revoked',
			'impersonation-started',
			'impersonation-stopped',
			'user-deleted',
		]) {
			expect(actions, action).toContain(action)
		}

		// Append-only: a fresh row can be neither changed nor deleted.
		const [newest] = rows
		await expect((async () => db.update(adminAudit).set({ reason: 'rewritten' }).where(eq(adminAudit.id, newest!.id)))()).rejects.toThrow()
		await expect((async () => db.delete(adminAudit).where(eq(adminAudit.id, newest!.id)))()).rejects.toThrow()
		expect((await db.select().from(adminAudit).where(eq(adminAudit.id, newest!.id)))[0]).toEqual(newest)

		// The page, as an admin sees it: newest first, 50 a page.
		const admin = await newAdmin('Reading Admin')
		const page = await adminPage(admin, '/admin/audit')
		expect(page.status).toBe(200)
		expect(page.data.rows[0]).toMatchObject({ id: newest!.id, action: newest!.action })
		expect(page.data.rows.length).toBe(Math.min(50, rows.length))
	})
})
