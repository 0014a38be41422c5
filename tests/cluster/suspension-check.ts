/**
 * The cluster test's suspension round (issue 22): "a suspension made through
 * one app instance signs the user out of the other within 1 s".
 *
 * Each instance caches session lookups for GETs (≤ 500 ms, per process, no
 * message between instances), so only two real instances can show the bound
 * holds: everything here goes straight to app1's or app2's port, not through
 * HAProxy. A user signs up on app2 and adds a task; their /tasks on app2 is
 * loaded a few times (the cache there is warm). An admin (role set in the
 * database: the ADMIN_EMAILS bootstrap is tested elsewhere) suspends them
 * through app1's admin page. From the moment that POST answered, app2 is
 * asked for /tasks with the user's cookie every ~50 ms for 1.5 s: every
 * request sent 1 s or more after it must be sent to /login, and once sent
 * there the user must stay out. Then a sign-in on app2 is refused with the
 * suspension's sentence, the admin restores the account through app2, and a
 * sign-in through app1 works again and shows the task.
 *
 * The task API side (tokens minted before the suspension refused within
 * 1 s) is tests/api/account-status.test.ts: the app never hands tokens out,
 * so this round cannot hold one.
 */
import type postgres from 'postgres'
import { Browser, expectRedirect, signUp, type PageAnswer } from './browser.ts'
import { sleep } from './processes.ts'
import { formFields } from './virtual-user.ts'

const SUSPENDED = 'This account is suspended.'
/** The bound under test, and how long (and how often) app2 is asked after the suspension. */
const SIGNED_OUT_WITHIN_MS = 1000
const POLL_FOR_MS = 1500
const POLL_EVERY_MS = 50

export type SuspensionRoundResult = {
	/** What the round found wrong (empty: it held). */
	problems: string[]
	notes: string[]
}

type Poll = { sentMs: number; answeredMs: number; answer: string; refused: boolean }

/** A redirect to /login?redirectTo=/tasks…: signed out. */
function toLogin(answer: PageAnswer): boolean {
	if ((answer.status !== 302 && answer.status !== 303) || !answer.location) return false
	const location = new URL(answer.location, 'http://taskwell.invalid')
	return location.pathname === '/login' && (location.searchParams.get('redirectTo') ?? '').startsWith('/tasks')
}

function describe(answer: PageAnswer): string {
	return answer.location ? `${answer.status} → ${new URL(answer.location, 'http://taskwell.invalid').pathname}` : String(answer.status)
}

async function signIn(browser: Browser, email: string, password: string): Promise<PageAnswer> {
	const page = await browser.get('/login')
	const fields = formFields(page.html, 'login') ?? new URLSearchParams()
	fields.set('email', email)
	fields.set('password', password)
	return browser.post('/login', fields)
}

const ms = (value: number) => `${value.toFixed(0)} ms`

export async function suspensionRound(options: {
	app1Url: string
	app2Url: string
	publicOrigin: string
	withSql: <T>(fn: (sql: postgres.Sql) => Promise<T>) => Promise<T>
	runId: string
}): Promise<SuspensionRoundResult> {
	const { app1Url, app2Url, publicOrigin, runId } = options
	const problems: string[] = []
	const notes: string[] = []
	const password = `cluster-pass-${runId}`
	const adminEmail = `cluster-${runId}-admin@example.test`
	const userEmail = `cluster-${runId}-suspended@example.test`
	const taskTitle = `cluster-${runId}-suspended-1`

	// The admin, signed in on app1; the role straight in the database.
	const adminOn1 = new Browser(app1Url, publicOrigin)
	await signUp(adminOn1, 'Ada Admin', adminEmail, password)
	await options.withSql((sql) => sql`update "user" set role = 'admin' where email = ${adminEmail}`)

	// The user, signed in on app2, with a task.
	const userOn2 = new Browser(app2Url, publicOrigin)
	await signUp(userOn2, 'Sam Suspended', userEmail, password)
	const tasksPage = await userOn2.get('/tasks')
	const addForm = formFields(tasksPage.html, 'add-task')
	if (!addForm) throw new Error(`no add form on /tasks on app2 (${tasksPage.status})`)
	addForm.set('title', taskTitle)
	addForm.set('priority', 'normal')
	expectRedirect('add a task', await userOn2.post('/tasks', addForm))
	const [row] = await options.withSql((sql) => sql<{ id: string }[]>`select id from "user" where email = ${userEmail}`)
	if (!row) throw new Error(`no user row for ${userEmail}`)
	const userId = row.id

	// app2 shows the task, again and again (its session cache warm); the last right before the suspension.
	const cookie = userOn2.jar.header()
	for (let i = 0; i < 5; i++) {
		const page = await userOn2.get('/tasks', { cookie })
		if (page.status !== 200 || !page.html.includes(taskTitle)) {
			throw new Error(`before the suspension, /tasks on app2 answered ${describe(page)}${page.status === 200 ? ' without the task' : ''}`)
		}
		if (i < 4) await sleep(POLL_EVERY_MS)
	}

	// The suspension, through app1.
	const suspended = await adminOn1.post(`/admin/users/${userId}`, new URLSearchParams({ intent: 'suspend', reason: 'Cluster test' }))
	const suspendedAt = performance.now()
	expectRedirect('suspend through app1', suspended)

	// app2, with the cookie the user had, every ~50 ms for 1.5 s.
	const polls: Poll[] = []
	for (let next = 0; next < POLL_FOR_MS; next += POLL_EVERY_MS) {
		const wait = next - (performance.now() - suspendedAt)
		if (wait > 0) await sleep(wait)
		const sentMs = performance.now() - suspendedAt
		const answer = await userOn2.get('/tasks', { cookie })
		polls.push({ sentMs, answeredMs: performance.now() - suspendedAt, answer: describe(answer), refused: toLogin(answer) })
	}
	const firstRefused = polls.findIndex((poll) => poll.refused)
	const first = polls[firstRefused]
	const lateLetThrough = polls.filter((poll) => poll.sentMs >= SIGNED_OUT_WITHIN_MS && !poll.refused)
	const lateCount = polls.filter((poll) => poll.sentMs >= SIGNED_OUT_WITHIN_MS).length
	const backIn = firstRefused < 0 ? [] : polls.slice(firstRefused).filter((poll) => !poll.refused)
	const before = polls.slice(0, firstRefused < 0 ? polls.length : firstRefused).map((poll) => poll.answer)
	notes.push(
		`suspended through app1: app2 sent the user to /login ` +
			(first ? `from the request sent ${ms(first.sentMs)} after (answered at ${ms(first.answeredMs)})` : 'never') +
			`; of ${polls.length} requests every ${POLL_EVERY_MS} ms, answered before that: ${before.length ? before.join(', ') : 'none'}; ` +
			`${lateCount - lateLetThrough.length} of ${lateCount} sent ≥ ${SIGNED_OUT_WITHIN_MS} ms refused`,
	)
	if (!lateCount) problems.push(`suspension: no request to app2 was sent ${SIGNED_OUT_WITHIN_MS} ms or more after the suspension`)
	if (lateLetThrough.length) {
		const shown = lateLetThrough.map((poll) => `${poll.answer} at ${ms(poll.sentMs)}`).join(', ')
		problems.push(`suspension: app2 did not send the user to /login ${SIGNED_OUT_WITHIN_MS} ms after it (${shown})`)
	}
	if (backIn.length) problems.push(`suspension: app2 let the user back in after sending them to /login (${backIn[0]!.answer})`)

	// Signing in again on app2: refused, saying why.
	const refusedSignIn = await signIn(new Browser(app2Url, publicOrigin), userEmail, password)
	const saysSuspended = refusedSignIn.html.includes(SUSPENDED)
	if (refusedSignIn.status !== 403 || !saysSuspended) {
		problems.push(`suspension: sign-in on app2 answered ${describe(refusedSignIn)}${saysSuspended ? '' : ` without "${SUSPENDED}"`}`)
	}

	// Restored through app2 (the admin's session from app1); a sign-in through app1 works again.
	const adminOn2 = new Browser(app2Url, publicOrigin, adminOn1.jar)
	expectRedirect('restore through app2', await adminOn2.post(`/admin/users/${userId}`, new URLSearchParams({ intent: 'restore' })))
	const restoredAt = performance.now()
	const userOn1 = new Browser(app1Url, publicOrigin)
	const signedIn = await signIn(userOn1, userEmail, password)
	const landing = signedIn.location ? new URL(signedIn.location, 'http://taskwell.invalid').pathname : null
	if ((signedIn.status !== 302 && signedIn.status !== 303) || landing !== '/tasks') {
		problems.push(`restore: sign-in through app1 answered ${describe(signedIn)}, not a redirect to /tasks`)
	}
	// The task API learns of the restore within a second too (its own snapshot): /tasks shows the task by then.
	let shown: PageAnswer | undefined
	let shownMs = 0
	while (performance.now() - restoredAt < SIGNED_OUT_WITHIN_MS + 500) {
		shown = await userOn1.get('/tasks')
		shownMs = performance.now() - restoredAt
		if (shown.status === 200 && shown.html.includes(taskTitle)) break
		await sleep(POLL_EVERY_MS)
	}
	const showsTask = shown?.status === 200 && shown.html.includes(taskTitle)
	if (!showsTask) problems.push(`restore: /tasks on app1 answered ${shown ? describe(shown) : 'nothing'} instead of the task`)
	notes.push(
		`sign-in on app2 while suspended: ${refusedSignIn.status}${saysSuspended ? ` "${SUSPENDED}"` : ''}; ` +
			`restored through app2: sign-in through app1 ${describe(signedIn)}, the task shown ${showsTask ? `${ms(shownMs)} after the restore` : 'never'}`,
	)
	return { problems, notes }
}
