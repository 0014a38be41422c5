/**
 * Bad input through the real route loaders and actions (issue 13, items 5
 * and 10): the real task API (started in-process on this file's fresh
 * database), tokens minted by the app's real Better Auth, the root
 * middleware (CSRF, session). A forged page link or search, an unknown
 * notice code, or text with bidi controls gets a 4xx and a useful answer,
 * never a 500.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { postSignUp, signUp as signUpAccount } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'
import { ISSUER } from '#tests/api/test-support.ts'

// The app's modules (and so its environment) load only once the API's URL is known.
setEnvForThisFile({ BETTER_AUTH_URL: ISSUER, TASKS_API_AUDIENCE: 'taskwell-tasks-api' })
const api = await startTasksApiForApp()

const { auth } = await import('#app/lib/auth/better-auth.server.ts')

const { database } = await import('#app/lib/db.server.ts')
const { formPost, get, runRoute } = await import('#tests/support/routes.ts')
const tasksRoute = await import('#app/routes/tasks/index.tsx')
const taskRoute = await import('#app/routes/tasks/$id.tsx')
const settingsRoute = await import('#app/routes/settings/index.tsx')
onTestDatabaseTeardown(() => database.close())

const signUp = async () => (await signUpAccount()).cookie

async function addTask(cookie: string, title: string) {
	const { response } = await runRoute(tasksRoute.action, formPost('/tasks', { intent: 'create', title, priority: 'normal' }, { cookie }))
	expect(response.status).toBe(302)
}

type ListData = {
	list: { items: { title: string }[]; nextCursor: string | null } | null
	cursor: string | null
	view: { q?: string; sort: string }
	invalid: 'page' | 'search' | null
}

describe('GET /tasks with a page link or search the API refuses', () => {
	let cookie: string
	beforeAll(async () => {
		cookie = await signUp()
		for (const title of ['First', 'Second', 'Third']) await addTask(cookie, title)
	})

	test('a forged cursor: 400, the first page and a notice', async () => {
		for (const cursor of ['x', 'eyJub3QiOiJhIGN1cnNvciJ9', '!!!', 'a'.repeat(2000)]) {
			const { response, data } = await runRoute<ListData>(tasksRoute.loader, get(`/tasks?cursor=${encodeURIComponent(cursor)}`, { cookie }))
			expect(response.status, cursor).toBe(400)
			expect(data?.invalid).toBe('page')
			expect(data?.cursor).toBeNull()
			expect(data?.list?.items.map((task) => task.title)).toEqual(['Third', 'Second', 'First'])
		}
	})

	test('a cursor of another sort: the first page of the sort asked for', async () => {
		const first = await runRoute<ListData>(tasksRoute.loader, get('/tasks', { cookie }))
		expect(first.response.status).toBe(200)
		expect(first.data?.invalid).toBeNull()
		// A real cursor (the API pages by 50: make one by listing with limit 1).
		const page = (await (
			await fetch(`${api.url}/v1/tasks?limit=1`, {
				headers: { authorization: `Bearer ${(await auth.api.getToken({ headers: new Headers({ cookie }) })).token}` },
			})
		).json()) as { nextCursor: string }
		expect(page.nextCursor).toBeTruthy()
		const valid = await runRoute<ListData>(tasksRoute.loader, get(`/tasks?cursor=${page.nextCursor}`, { cookie }))
		expect(valid.response.status).toBe(200)
		expect(valid.data?.list?.items.map((task) => task.title)).toEqual(['Second', 'First'])
		const other = await runRoute<ListData>(tasksRoute.loader, get(`/tasks?sort=due&cursor=${page.nextCursor}`, { cookie }))
		expect(other.response.status).toBe(400)
		expect(other.data?.invalid).toBe('page')
		// sort=due from before the one sort select: "Due soonest".
		expect(other.data?.view.sort).toBe('due-soonest')
		expect(other.data?.list?.items).toHaveLength(3)
	})

	test('a NUL in the search: 400, all tasks, the search dropped', async () => {
		for (const q of ['%00', 'Fir%00st']) {
			const { response, data } = await runRoute<ListData>(tasksRoute.loader, get(`/tasks?q=${q}&cursor=x`, { cookie }))
			expect(response.status, q).toBe(400)
			expect(data?.invalid).toBe('search')
			expect(data?.view.q).toBeUndefined()
			expect(data?.list?.items).toHaveLength(3)
		}
	})
})

describe('GET /settings?saved=<not a notice>', () => {
	test('Object.prototype names are no notice: 400 with the page', async () => {
		const cookie = await signUp()
		for (const saved of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'nope']) {
			const { response, data } = await runRoute<{ user: { name: string } }>(
				settingsRoute.loader,
				get(`/settings?saved=${saved}`, { cookie }),
			)
			expect(response.status, saved).toBe(400)
			expect(data?.user.name).toBe('Ada Lovelace')
		}
		const known = await runRoute(settingsRoute.loader, get('/settings?saved=name', { cookie }))
		expect(known.response.status).toBe(200)
	})
})

describe('text with bidi controls is refused with a field message', () => {
	const RLO = '\u202E'

	test('adding or editing a task', async () => {
		const cookie = await signUp()
		const add = await runRoute<{ result: { error: Record<string, string[]> } }>(
			tasksRoute.action,
			formPost('/tasks', { intent: 'create', title: `invoice${RLO}fdp.exe`, notes: 'fine\r\nnotes' }, { cookie }),
		)
		expect(add.response.status).toBe(400)
		expect(add.data?.result.error).toEqual({ title: ["Title can't contain control characters"] })
		const notes = await runRoute<{ result: { error: Record<string, string[]> } }>(
			tasksRoute.action,
			formPost('/tasks', { intent: 'create', title: 'Fine', notes: `a\u2066b` }, { cookie }),
		)
		expect(notes.response.status).toBe(400)
		expect(notes.data?.result.error).toEqual({ notes: ["Notes can't contain control characters"] })

		await addTask(cookie, 'Kept as typed')
		const { data: list } = await runRoute<ListData & { list: { items: { id: string; title: string }[] } }>(
			tasksRoute.loader,
			get('/tasks', { cookie }),
		)
		const id = list!.list.items[0]!.id
		const edit = await runRoute<{ result: { error: Record<string, string[]> } }, { id: string }>(
			taskRoute.action,
			formPost(`/tasks/${id}`, { intent: 'update', title: `gnp.${RLO}exe`, priority: 'normal' }, { cookie }),
			{ params: { id } },
		)
		expect(edit.response.status).toBe(400)
		expect(edit.data?.result.error).toEqual({ title: ["Title can't contain control characters"] })
		const after = await runRoute<ListData>(tasksRoute.loader, get('/tasks', { cookie }))
		expect(after.data?.list?.items.map((task) => task.title)).toEqual(['Kept as typed'])
	})

	test('signing up and changing the name', async () => {
		const signup = await postSignUp({ name: `Ada${RLO}` })
		expect(signup.response.status).toBe(400)
		expect(signup.data?.result.error).toEqual({ name: ["Name can't contain control characters"] })

		const cookie = await signUp()
		const rename = await runRoute<{ result: { error: Record<string, string[]> } }>(
			settingsRoute.action,
			formPost('/settings', { intent: 'update-name', name: `Ada\u2067King` }, { cookie }),
		)
		expect(rename.response.status).toBe(400)
		expect(rename.data?.result.error).toEqual({ name: ["Name can't contain control characters"] })
	})
})
