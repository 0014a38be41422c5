/**
 * The task routes over real HTTP on a real database: CRUD, validation,
 * listing (filters, search, sorts, cursor pagination), isolation between
 * users, and the problem+json answers.
 */
import { describe, expect, test } from 'vitest'
import { TASK_RESTORE_WINDOW_SECONDS, type Task, type TaskList } from '#common/tasks-contract.ts'
import { deleteExpiredRows } from '#server/cleanup.ts'
import { task, taskCount } from '#server/db/schema.ts'
import { call, startApi, startApiWithKey } from './test-support.ts'

const { jwks, api, newUser } = await startApiWithKey()

async function create(token: string, body: Record<string, unknown>): Promise<Task> {
	const response = await call(api, 'POST', '/v1/tasks', { token, body })
	expect(response.status, await response.clone().text()).toBe(201)
	return (await response.json()) as Task
}

async function list(token: string, query = ''): Promise<TaskList> {
	const response = await call(api, 'GET', `/v1/tasks${query}`, { token })
	expect(response.status, await response.clone().text()).toBe(200)
	return (await response.json()) as TaskList
}

async function expectProblem(response: Response, status: number) {
	expect(response.status).toBe(status)
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	const body = (await response.json()) as { status: number; title: string; errors?: Array<{ field: string; message: string }> }
	expect(body.status).toBe(status)
	expect(typeof body.title).toBe('string')
	return body
}

describe('create, read, update, delete', () => {
	test('POST creates with defaults: 201, Location, the task', async () => {
		const { token } = await newUser()
		const response = await call(api, 'POST', '/v1/tasks', { token, body: { title: '  Buy milk  ' } })
		expect(response.status).toBe(201)
		const created = (await response.json()) as Task
		expect(response.headers.get('location')).toBe(`/v1/tasks/${created.id}`)
		expect(created).toMatchObject({
			title: 'Buy milk',
			notes: null,
			completed: false,
			dueDate: null,
			priority: 'normal',
			completedAt: null,
		})
		expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
		expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt)
		expect(created.updatedAt).toBe(created.createdAt)
	})

	test('POST with every field', async () => {
		const { token } = await newUser()
		const created = await create(token, {
			title: 'Taxes',
			notes: 'Forms in the drawer',
			dueDate: '2026-04-15',
			priority: 'high',
			completed: true,
		})
		expect(created).toMatchObject({
			title: 'Taxes',
			notes: 'Forms in the drawer',
			dueDate: '2026-04-15',
			priority: 'high',
			completed: true,
		})
		expect(created.completedAt).not.toBeNull()
	})

	test('GET by id; PATCH partial; completed sets and clears completedAt', async () => {
		const { token } = await newUser()
		const created = await create(token, { title: 'Walk the dog', notes: 'Long walk', dueDate: '2026-01-02' })
		const read = await call(api, 'GET', `/v1/tasks/${created.id}`, { token })
		expect(read.status).toBe(200)
		expect(await read.json()).toEqual(created)

		const done = await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { completed: true } })
		expect(done.status).toBe(200)
		const doneTask = (await done.json()) as Task
		expect(doneTask).toMatchObject({ completed: true, title: 'Walk the dog', notes: 'Long walk', dueDate: '2026-01-02' })
		expect(doneTask.completedAt).not.toBeNull()
		expect(doneTask.updatedAt >= created.updatedAt).toBe(true)

		// Completing again keeps the first completion time.
		const again = (await (await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { completed: true } })).json()) as Task
		expect(again.completedAt).toBe(doneTask.completedAt)

		const reopened = (await (
			await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { completed: false, title: ' Walk the cat ', priority: 'low' } })
		).json()) as Task
		expect(reopened).toMatchObject({ completed: false, completedAt: null, title: 'Walk the cat', priority: 'low' })

		const cleared = (await (
			await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { notes: null, dueDate: null } })
		).json()) as Task
		expect(cleared).toMatchObject({ notes: null, dueDate: null, title: 'Walk the cat' })

		const blankNotes = (await (await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { notes: '   ' } })).json()) as Task
		expect(blankNotes.notes).toBeNull()

		// An empty patch changes nothing.
		const unchanged = await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: {} })
		expect(unchanged.status).toBe(200)
		expect(await unchanged.json()).toEqual(blankNotes)
	})

	test('DELETE by id: 204, then 404', async () => {
		const { token } = await newUser()
		const created = await create(token, { title: 'Temporary' })
		const response = await call(api, 'DELETE', `/v1/tasks/${created.id}`, { token })
		expect(response.status).toBe(204)
		expect(await response.text()).toBe('')
		await expectProblem(await call(api, 'GET', `/v1/tasks/${created.id}`, { token }), 404)
		await expectProblem(await call(api, 'DELETE', `/v1/tasks/${created.id}`, { token }), 404)
	})

	test('DELETE /v1/tasks?status=completed clears only the completed ones and says how many', async () => {
		const { token } = await newUser()
		await create(token, { title: 'a', completed: true })
		await create(token, { title: 'b', completed: true })
		const keep = await create(token, { title: 'c' })
		const response = await call(api, 'DELETE', '/v1/tasks?status=completed', { token })
		expect(response.status).toBe(200)
		const body = (await response.json()) as { deleted: number; ids: string[] }
		expect(body.deleted).toBe(2)
		expect(body.ids).toHaveLength(2)
		const after = await list(token)
		expect(after.items.map((item) => item.id)).toEqual([keep.id])
		expect(after.counts).toEqual({ all: 1, active: 1, completed: 0 })
		expect(await (await call(api, 'DELETE', '/v1/tasks?status=completed', { token })).json()).toEqual({ deleted: 0, ids: [] })
	})

	test('a deleted task is out of lists, counts and reads; POST /restore brings it back as it was, once', async () => {
		const { token } = await newUser()
		const kept = await create(token, { title: 'kept' })
		const gone = await create(token, { title: 'undo me', notes: 'n', dueDate: '2030-01-02', priority: 'high', completed: true })
		expect((await call(api, 'DELETE', `/v1/tasks/${gone.id}`, { token })).status).toBe(204)
		const after = await list(token)
		expect(after.items.map((item) => item.id)).toEqual([kept.id])
		expect(after.counts).toEqual({ all: 1, active: 1, completed: 0 })
		expect((await list(token, '?status=completed')).items).toEqual([])
		expect((await list(token, '?q=undo')).items).toEqual([])
		await expectProblem(await call(api, 'GET', `/v1/tasks/${gone.id}`, { token }), 404)
		await expectProblem(await call(api, 'PATCH', `/v1/tasks/${gone.id}`, { token, body: { title: 'x' } }), 404)
		await expectProblem(await call(api, 'DELETE', `/v1/tasks/${gone.id}`, { token }), 404)
		// Clearing completed tasks does not count it again.
		expect(await (await call(api, 'DELETE', '/v1/tasks?status=completed', { token })).json()).toEqual({ deleted: 0, ids: [] })

		// Another user cannot restore it.
		const other = await newUser()
		await expectProblem(await call(api, 'POST', `/v1/tasks/${gone.id}/restore`, { token: other.token }), 404)

		const restored = await call(api, 'POST', `/v1/tasks/${gone.id}/restore`, { token })
		expect(restored.status).toBe(200)
		expect(await restored.json()).toEqual(gone)
		expect((await list(token)).counts).toEqual({ all: 2, active: 1, completed: 1 })
		// A live task (or an unknown id) has nothing to restore.
		await expectProblem(await call(api, 'POST', `/v1/tasks/${gone.id}/restore`, { token }), 404)
		await expectProblem(await call(api, 'POST', `/v1/tasks/${kept.id}/restore`, { token }), 404)
		await expectProblem(await call(api, 'POST', '/v1/tasks/not-a-uuid/restore', { token }), 404)
	})

	test('clear completed, then restore each id; past the window a restore is a 404 and the cleanup purges', async () => {
		const { token } = await newUser()
		const a = await create(token, { title: 'a', completed: true })
		const b = await create(token, { title: 'b', completed: true })
		const { ids } = (await (await call(api, 'DELETE', '/v1/tasks?status=completed', { token })).json()) as { ids: string[] }
		expect(ids.sort()).toEqual([a.id, b.id].sort())
		expect((await call(api, 'POST', `/v1/tasks/${a.id}/restore`, { token })).status).toBe(200)
		expect((await list(token)).counts).toEqual({ all: 1, active: 0, completed: 1 })

		// b was deleted longer ago than the window: not restorable, and purged.
		const { sql } = await import('drizzle-orm')
		await api.database.db.execute(
			sql`update task set deleted_at = now() - make_interval(secs => ${TASK_RESTORE_WINDOW_SECONDS + 1}) where id = ${b.id}`,
		)
		await expectProblem(await call(api, 'POST', `/v1/tasks/${b.id}/restore`, { token }), 404)
		const counts = (await deleteExpiredRows(api.database.db))?.counts
		expect(counts?.deletedTasks).toBeGreaterThanOrEqual(1)
		const { inArray } = await import('drizzle-orm')
		const rows = await api.database.db
			.select({ id: task.id })
			.from(task)
			.where(inArray(task.id, [a.id, b.id]))
		expect(rows.map((row) => row.id)).toEqual([a.id])
	})

	test('DELETE /v1/tasks without status=completed is refused (never "delete everything")', async () => {
		const { token } = await newUser()
		await create(token, { title: 'stays' })
		for (const query of ['', '?status=all', '?status=active']) {
			const body = await expectProblem(await call(api, 'DELETE', `/v1/tasks${query}`, { token }), 422)
			expect(body.errors?.[0]?.field).toBe('status')
		}
		expect((await list(token)).counts.all).toBe(1)
	})

	test('DELETE /v1/me/tasks removes all of the caller’s tasks', async () => {
		const { token } = await newUser()
		await create(token, { title: 'a' })
		await create(token, { title: 'b', completed: true })
		const response = await call(api, 'DELETE', '/v1/me/tasks', { token })
		expect(response.status).toBe(204)
		expect(await response.text()).toBe('')
		expect((await list(token)).counts).toEqual({ all: 0, active: 0, completed: 0 })
	})
})

describe('counts (task_count, kept by triggers)', () => {
	/** What the rows say, counted afresh: what the kept counts must equal. */
	async function countedAfresh(sub: string) {
		const { and, eq, isNull, sql } = await import('drizzle-orm')
		const [row] = await api.database.db
			.select({ all: sql<number>`count(*)::int`, completed: sql<number>`(count(*) filter (where ${task.completed}))::int` })
			.from(task)
			.where(and(eq(task.userId, sub), isNull(task.deletedAt)))
		return { all: row!.all, active: row!.all - row!.completed, completed: row!.completed }
	}

	test('every kind of change keeps them equal to a fresh count, concurrent adds and toggles included', async () => {
		const { sub, token } = await newUser()
		const expectCounts = async (expected: { all: number; active: number; completed: number }) => {
			expect((await list(token)).counts).toEqual(expected)
			expect(await countedAfresh(sub)).toEqual(expected)
		}
		await expectCounts({ all: 0, active: 0, completed: 0 })
		// 12 adds at once (4 of them done), then 6 toggles at once.
		const added = await Promise.all(Array.from({ length: 12 }, (_, i) => create(token, { title: `t${i}`, completed: i % 3 === 0 })))
		await expectCounts({ all: 12, active: 8, completed: 4 })
		const open = added.filter((item) => !item.completed)
		await Promise.all(open.slice(0, 6).map((item) => call(api, 'PATCH', `/v1/tasks/${item.id}`, { token, body: { completed: true } })))
		await expectCounts({ all: 12, active: 2, completed: 10 })
		// An edit that changes neither state, a toggle back, a delete, a restore.
		expect((await call(api, 'PATCH', `/v1/tasks/${open[6]!.id}`, { token, body: { title: 'renamed' } })).status).toBe(200)
		expect((await call(api, 'PATCH', `/v1/tasks/${open[0]!.id}`, { token, body: { completed: false } })).status).toBe(200)
		await expectCounts({ all: 12, active: 3, completed: 9 })
		expect((await call(api, 'DELETE', `/v1/tasks/${open[7]!.id}`, { token })).status).toBe(204)
		await expectCounts({ all: 11, active: 2, completed: 9 })
		// Deleted tasks are not counted, whatever happens to them.
		expect((await call(api, 'DELETE', `/v1/tasks/${open[7]!.id}`, { token })).status).toBe(404)
		await expectCounts({ all: 11, active: 2, completed: 9 })
		expect((await call(api, 'POST', `/v1/tasks/${open[7]!.id}/restore`, { token })).status).toBe(200)
		await expectCounts({ all: 12, active: 3, completed: 10 - 1 })
		// Clear completed, restore one, then the purge of the others.
		const { ids } = (await (await call(api, 'DELETE', '/v1/tasks?status=completed', { token })).json()) as { ids: string[] }
		expect(ids).toHaveLength(9)
		await expectCounts({ all: 3, active: 3, completed: 0 })
		expect((await call(api, 'POST', `/v1/tasks/${ids[0]}/restore`, { token })).status).toBe(200)
		await expectCounts({ all: 4, active: 3, completed: 1 })
		const { sql } = await import('drizzle-orm')
		await api.database.db.execute(
			sql`update task set deleted_at = now() - interval '1 day' where user_id = ${sub} and deleted_at is not null`,
		)
		await deleteExpiredRows(api.database.db)
		await expectCounts({ all: 4, active: 3, completed: 1 })
		// Another user's changes never touch these.
		const other = await newUser()
		await create(other.token, { title: 'theirs', completed: true })
		await expectCounts({ all: 4, active: 3, completed: 1 })
		// Deleting all of the user's tasks leaves no row of theirs behind.
		expect((await call(api, 'DELETE', '/v1/me/tasks', { token })).status).toBe(204)
		await expectCounts({ all: 0, active: 0, completed: 0 })
		const { eq } = await import('drizzle-orm')
		expect(await api.database.db.select().from(taskCount).where(eq(taskCount.listKey, sub))).toEqual([])
	})
})

describe('isolation between users', () => {
	test('one user can never list, read, change or delete another’s tasks', async () => {
		const alice = await newUser()
		const bob = await newUser()
		const secret = await create(alice.token, { title: 'Alice’s secret', notes: 'private', completed: true })
		const other = await create(alice.token, { title: 'Alice’s other' })
		await create(bob.token, { title: 'Bob’s' })

		const bobList = await list(bob.token)
		expect(bobList.items.map((item) => item.title)).toEqual(['Bob’s'])
		expect(bobList.counts).toEqual({ all: 1, active: 1, completed: 0 })
		expect((await list(bob.token, '?q=secret')).items).toEqual([])

		// Foreign, random and malformed ids answer the same 404.
		const answers = []
		for (const id of [secret.id, crypto.randomUUID(), 'not-a-uuid', '1', "'; drop table task; --"]) {
			for (const [method, body] of [['GET'], ['PATCH', { title: 'hacked' }], ['DELETE']] as const) {
				const response = await call(api, method, `/v1/tasks/${encodeURIComponent(id)}`, { token: bob.token, body })
				answers.push({ status: response.status, type: response.headers.get('content-type'), body: await response.text() })
			}
		}
		for (const answer of answers) expect(answer).toEqual(answers[0])
		expect(answers[0]?.status).toBe(404)

		// Bob's clearing and account deletion leave Alice's tasks alone.
		expect(await (await call(api, 'DELETE', '/v1/tasks?status=completed', { token: bob.token })).json()).toEqual({ deleted: 0, ids: [] })
		await expectProblem(await call(api, 'POST', `/v1/tasks/${secret.id}/restore`, { token: bob.token }), 404)
		expect((await call(api, 'DELETE', '/v1/me/tasks', { token: bob.token })).status).toBe(204)
		expect((await list(bob.token)).counts.all).toBe(0)

		const aliceList = await list(alice.token)
		expect(aliceList.items.map((item) => item.id).sort()).toEqual([secret.id, other.id].sort())
		expect(aliceList.items.find((item) => item.id === secret.id)).toEqual(secret)
	})
})

describe('validation (422 with per-field errors)', () => {
	async function invalidCreate(body: unknown) {
		const { token } = await newUser()
		const problem = await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body }), 422)
		expect((await list(token)).counts.all).toBe(0)
		return problem.errors ?? []
	}

	test('title: missing, empty, whitespace, 201 characters; 200 is fine', async () => {
		expect(await invalidCreate({})).toEqual([{ field: 'title', message: 'is required' }])
		expect(await invalidCreate({ title: '' })).toEqual([{ field: 'title', message: 'is required' }])
		expect(await invalidCreate({ title: ' \t\n ' })).toEqual([{ field: 'title', message: 'is required' }])
		expect(await invalidCreate({ title: 'x'.repeat(201) })).toEqual([{ field: 'title', message: 'must be at most 200 characters' }])
		expect(await invalidCreate({ title: 42 })).toEqual([{ field: 'title', message: 'must be a string' }])
		const { token } = await newUser()
		expect((await create(token, { title: 'x'.repeat(200) })).title).toHaveLength(200)
		expect((await create(token, { title: `  ${'y'.repeat(200)}  ` })).title).toHaveLength(200)
	})

	test('notes over 5,000 characters', async () => {
		expect(await invalidCreate({ title: 't', notes: 'n'.repeat(5001) })).toEqual([
			{ field: 'notes', message: 'must be at most 5000 characters' },
		])
		const { token } = await newUser()
		expect((await create(token, { title: 't', notes: 'n'.repeat(5000) })).notes).toHaveLength(5000)
	})

	test('bad priority enum, bad dates, bad completed', async () => {
		expect(await invalidCreate({ title: 't', priority: 'urgent' })).toEqual([
			{ field: 'priority', message: 'must be one of low, normal, high' },
		])
		for (const dueDate of ['2026-02-30', '2026-13-01', '15/04/2026', '2026-04-15T10:00:00Z', '0000-01-01', '', 20260415]) {
			const errors = await invalidCreate({ title: 't', dueDate })
			expect(errors.map((error) => error.field)).toEqual(['dueDate'])
		}
		expect((await invalidCreate({ title: 't', completed: 'yes' })).map((error) => error.field)).toEqual(['completed'])
	})

	test('several bad fields are reported together', async () => {
		const errors = await invalidCreate({ title: '', priority: 'x', dueDate: 'tomorrow' })
		expect(errors.map((error) => error.field).sort()).toEqual(['dueDate', 'priority', 'title'])
	})

	test('unknown fields are rejected (strict), on create and on update', async () => {
		expect(await invalidCreate({ title: 't', userId: 'someone-else' })).toEqual([{ field: 'userId', message: 'is not a known field' }])
		expect(await invalidCreate({ title: 't', id: crypto.randomUUID(), createdAt: '2020-01-01T00:00:00Z' })).toEqual([
			{ field: 'id', message: 'is not a known field' },
			{ field: 'createdAt', message: 'is not a known field' },
		])
		const { token } = await newUser()
		const created = await create(token, { title: 't' })
		const problem = await expectProblem(await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { complete: true } }), 422)
		expect(problem.errors).toEqual([{ field: 'complete', message: 'is not a known field' }])
	})

	test('a body that is not an object', async () => {
		for (const body of ['[]', '"title"', 'null', '42']) {
			expect(await invalidCreate(body)).toEqual([{ field: '', message: 'must be a JSON object' }])
		}
	})

	test('PATCH validates the same way', async () => {
		const { token } = await newUser()
		const created = await create(token, { title: 't' })
		for (const body of [{ title: '  ' }, { title: null }, { priority: 'HIGH' }, { dueDate: '2026-02-29' }, { completed: null }]) {
			await expectProblem(await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body }), 422)
		}
		expect((await (await call(api, 'GET', `/v1/tasks/${created.id}`, { token })).json()) as Task).toEqual(created)
	})

	test('NUL characters are refused, not a database error', async () => {
		expect((await invalidCreate({ title: 'a\u0000b' })).map((error) => error.field)).toEqual(['title'])
		const { token } = await newUser()
		await expectProblem(await call(api, 'GET', `/v1/tasks?q=${encodeURIComponent('a\u0000')}`, { token }), 422)
	})

	test('bidi overrides, isolates and other control characters are refused in titles and notes', async () => {
		const refused = [
			'invoice\u202Efdp.exe', // right-to-left override: shows as "invoiceexe.pdf"
			'a\u202Ab', // left-to-right embedding
			'a\u202Cb', // pop directional formatting
			'a\u2066b', // left-to-right isolate
			'a\u2069b', // pop directional isolate
			'a\uFEFFb', // zero-width no-break space
			'a\u2028b', // line separator
			'a\u0007b', // bell
			'a\u009Bb', // C1 control sequence introducer
			'a\u007Fb', // delete
			'a\uD800b', // a lone surrogate
		]
		for (const title of [...refused, 'a\tb', 'a\nb']) {
			expect(await invalidCreate({ title }), JSON.stringify(title)).toEqual([
				{ field: 'title', message: "can't contain control characters" },
			])
		}
		for (const notes of refused) {
			expect(await invalidCreate({ title: 't', notes }), JSON.stringify(notes)).toEqual([
				{ field: 'notes', message: "can't contain control characters" },
			])
		}
		const { token } = await newUser()
		const created = await create(token, { title: 't' })
		const problem = await expectProblem(
			await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: { title: 'gnp.\u202Eexe' } }),
			422,
		)
		expect(problem.errors).toEqual([{ field: 'title', message: "can't contain control characters" }])
		expect(((await (await call(api, 'GET', `/v1/tasks/${created.id}`, { token })).json()) as Task).title).toBe('t')
	})

	test('real writing is kept as typed: line breaks and tabs in notes, joiners, marks, flag emoji', async () => {
		const { token } = await newUser()
		for (const title of [
			'שלום עולם', // Hebrew
			'\u05E9\u05DC\u05D5\u05DD (\u05D2\u05E8\u05E1\u05D4 2)\u200F', // Hebrew with a right-to-left mark
			'\u0645\u06CC\u200C\u062E\u0648\u0627\u0645', // Persian with a zero-width non-joiner
			'Family \u{1F468}\u200D\u{1F469}\u200D\u{1F467}', // emoji with zero-width joiners
			'Go \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}', // flag of Scotland (tag characters)
		]) {
			expect((await create(token, { title })).title).toBe(title)
		}
		const notes = 'Line one\r\nLine two\n\tindented'
		expect((await create(token, { title: 't', notes })).notes).toBe(notes)
	})

	test('list query: limit out of range or not a number, bad enums', async () => {
		const { token } = await newUser()
		for (const [query, field] of [
			['?limit=0', 'limit'],
			['?limit=101', 'limit'],
			['?limit=-1', 'limit'],
			['?limit=abc', 'limit'],
			['?limit=1.5', 'limit'],
			['?status=done', 'status'],
			['?sort=title', 'sort'],
			['?order=up', 'order'],
			[`?q=${'q'.repeat(201)}`, 'q'],
		] as const) {
			const problem = await expectProblem(await call(api, 'GET', `/v1/tasks${query}`, { token }), 422)
			expect(
				problem.errors?.map((error) => error.field),
				query,
			).toEqual([field])
		}
		expect((await list(token, '?limit=1')).items).toEqual([])
		expect((await list(token, '?limit=100')).items).toEqual([])
	})

	test('bad cursors: garbage, tampered, or from another sort', async () => {
		const { token } = await newUser()
		for (let i = 0; i < 3; i++) await create(token, { title: `t${i}` })
		const { nextCursor } = await list(token, '?limit=1')
		expect(nextCursor).toBeTruthy()
		const tampered = Buffer.from(JSON.stringify({ s: 'created', o: 'desc', k: ["2020-01-01'; --", 'x'] })).toString('base64url')
		for (const cursor of ['!!!', 'abc', Buffer.from('{"a":1}').toString('base64url'), tampered, 'x'.repeat(2000)]) {
			const problem = await expectProblem(await call(api, 'GET', `/v1/tasks?cursor=${encodeURIComponent(cursor)}`, { token }), 422)
			expect(problem.errors?.map((error) => error.field)).toEqual(['cursor'])
		}
		const otherSort = await expectProblem(await call(api, 'GET', `/v1/tasks?sort=priority&cursor=${nextCursor}`, { token }), 422)
		expect(otherSort.errors?.map((error) => error.field)).toEqual(['cursor'])
		await expectProblem(await call(api, 'GET', `/v1/tasks?order=asc&cursor=${nextCursor}`, { token }), 422)
	})
})

describe('listing', () => {
	test('status filter and counts', async () => {
		const { token } = await newUser()
		await create(token, { title: 'one' })
		await create(token, { title: 'two', completed: true })
		await create(token, { title: 'three' })
		const all = await list(token)
		expect(all.items.map((item) => item.title)).toEqual(['three', 'two', 'one'])
		expect(all.counts).toEqual({ all: 3, active: 2, completed: 1 })
		const active = await list(token, '?status=active')
		expect(active.items.map((item) => item.title)).toEqual(['three', 'one'])
		expect(active.counts).toEqual({ all: 3, active: 2, completed: 1 })
		expect((await list(token, '?status=completed')).items.map((item) => item.title)).toEqual(['two'])
		expect((await list(token, '?status=all')).items).toHaveLength(3)
	})

	test('q searches title and notes, case-insensitively, with % and _ taken literally', async () => {
		const { token } = await newUser()
		await create(token, { title: 'Buy MILK' })
		await create(token, { title: 'Call mom', notes: 'about the milkshake' })
		await create(token, { title: '100% done' })
		await create(token, { title: 'snake_case' })
		await create(token, { title: 'snakeXcase' })
		await create(token, { title: 'back\\slash' })
		const titles = async (q: string) => (await list(token, `?q=${encodeURIComponent(q)}`)).items.map((item) => item.title).sort()
		expect(await titles('milk')).toEqual(['Buy MILK', 'Call mom'])
		expect(await titles('  Milk ')).toEqual(['Buy MILK', 'Call mom'])
		expect(await titles('%')).toEqual(['100% done'])
		expect(await titles('_')).toEqual(['snake_case'])
		expect(await titles('\\')).toEqual(['back\\slash'])
		expect(await titles('nothing')).toEqual([])
		expect((await titles('')).length).toBe(6)
		const searched = await list(token, '?q=milk&status=active')
		expect(searched.counts).toEqual({ all: 6, active: 6, completed: 0 })
	})

	test('sort by priority (high > normal > low), due date (none last), created', async () => {
		const { token } = await newUser()
		const low = await create(token, { title: 'low', priority: 'low', dueDate: '2026-03-01' })
		const high = await create(token, { title: 'high', priority: 'high' })
		const normal = await create(token, { title: 'normal', dueDate: '2026-01-01' })
		const high2 = await create(token, { title: 'high2', priority: 'high', dueDate: '2026-02-01' })
		const ids = async (query: string) => (await list(token, query)).items.map((item) => item.title)
		expect(await ids('?sort=priority')).toEqual(['high2', 'high', 'normal', 'low'])
		expect(await ids('?sort=priority&order=desc')).toEqual(['high2', 'high', 'normal', 'low'])
		expect(await ids('?sort=priority&order=asc')).toEqual(['low', 'normal', 'high', 'high2'])
		expect(await ids('?sort=due')).toEqual(['normal', 'high2', 'low', 'high'])
		expect(await ids('?sort=due&order=desc')).toEqual(['low', 'high2', 'normal', 'high'])
		expect(await ids('?sort=created')).toEqual(['high2', 'normal', 'high', 'low'])
		expect(await ids('?sort=created&order=asc')).toEqual(['low', 'high', 'normal', 'high2'])
		void [low, high, normal, high2]
	})

	test.each([
		['created', 'desc'],
		['created', 'asc'],
		['due', 'asc'],
		['due', 'desc'],
		['priority', 'desc'],
		['priority', 'asc'],
	])('cursor pagination by %s %s visits every task once, stable under inserts and deletes', async (sort, order) => {
		const { token } = await newUser()
		const priorities = ['low', 'normal', 'high'] as const
		const dates = [null, '2026-01-01', '2026-06-30', null, '2025-12-31']
		const created: Task[] = []
		for (let i = 0; i < 23; i++) {
			created.push(await create(token, { title: `task ${i}`, priority: priorities[i % 3], dueDate: dates[i % dates.length] }))
		}
		const expected = (await list(token, `?sort=${sort}&order=${order}&limit=100`)).items.map((item) => item.id)
		expect(expected).toHaveLength(23)

		const seen: string[] = []
		let cursor: string | null = null
		let pages = 0
		do {
			const page: TaskList = await list(
				token,
				`?sort=${sort}&order=${order}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
			)
			seen.push(...page.items.map((item) => item.id))
			cursor = page.nextCursor
			pages += 1
			if (pages === 2) {
				// Between pages: new tasks arrive and an already-seen one goes.
				await create(token, { title: 'late high', priority: 'high', dueDate: '2026-01-01' })
				await create(token, { title: 'late low', priority: 'low' })
				await call(api, 'DELETE', `/v1/tasks/${seen[0]}`, { token })
			}
		} while (cursor && pages < 20)
		const original = new Set(created.map((task) => task.id))
		const seenOriginal = seen.filter((id) => original.has(id))
		// Every task that existed at the start is seen exactly once, in order.
		expect(seenOriginal).toEqual(expected)
		expect(new Set(seen).size).toBe(seen.length)
		expect(pages).toBeGreaterThanOrEqual(5)
	})

	test('the last page has nextCursor null; exact multiples do not leave an empty page', async () => {
		const { token } = await newUser()
		for (let i = 0; i < 4; i++) await create(token, { title: `t${i}` })
		const first = await list(token, '?limit=2')
		expect(first.items).toHaveLength(2)
		const second = await list(token, `?limit=2&cursor=${first.nextCursor}`)
		expect(second.items).toHaveLength(2)
		expect(second.nextCursor).toBeNull()
		expect((await list(token, '?limit=4')).nextCursor).toBeNull()
	})

	test('limit defaults to 50', async () => {
		const { token } = await newUser()
		await Promise.all(Array.from({ length: 51 }, (_, i) => create(token, { title: `bulk ${i}` })))
		const page = await list(token)
		expect(page.items).toHaveLength(50)
		expect(page.nextCursor).not.toBeNull()
		expect(page.counts.all).toBe(51)
	})
})

describe('HTTP behaviour', () => {
	test('400 for malformed JSON', async () => {
		const { token } = await newUser()
		for (const body of ['{"title":', '{title: "x"}', '']) {
			const problem = await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body }), 400)
			expect(problem.title).toBe('Bad Request')
		}
		const created = await create(token, { title: 't' })
		await expectProblem(await call(api, 'PATCH', `/v1/tasks/${created.id}`, { token, body: '{"title"' }), 400)
	})

	test('413 for a body over 64 KiB (declared or streamed)', async () => {
		const { token } = await newUser()
		const big = JSON.stringify({ title: 't', notes: 'n'.repeat(70 * 1024) })
		await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body: big }), 413)
		// Without Content-Length (chunked), the limit still holds.
		const stream = new ReadableStream({
			start(controller) {
				for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)))
				controller.close()
			},
		})
		const response = await fetch(`${api.url}/v1/tasks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: stream,
			duplex: 'half',
		} as RequestInit)
		await expectProblem(response, 413)
		expect((await list(token)).counts.all).toBe(0)
	})

	test('415 for a body that is not JSON', async () => {
		const { token } = await newUser()
		const created = await create(token, { title: 't' })
		for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
			const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {}
			const post = await fetch(`${api.url}/v1/tasks`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, ...headers },
				body: 'title=x',
			})
			await expectProblem(post, 415)
			const patch = await fetch(`${api.url}/v1/tasks/${created.id}`, {
				method: 'PATCH',
				headers: { authorization: `Bearer ${token}`, ...headers },
				body: '{"title":"y"}',
			})
			await expectProblem(patch, 415)
		}
		// JSON with a charset parameter is fine.
		const ok = await call(api, 'POST', '/v1/tasks', {
			token,
			body: { title: 'ok' },
			headers: { 'content-type': 'application/json; charset=utf-8' },
		})
		expect(ok.status).toBe(201)
	})

	test('405 with Allow for a known path and a wrong method; 404 for unknown paths', async () => {
		const { token } = await newUser()
		for (const [method, path, allow] of [
			['PUT', '/v1/tasks', 'GET, HEAD, POST, DELETE'],
			['PATCH', '/v1/tasks', 'GET, HEAD, POST, DELETE'],
			['POST', `/v1/tasks/${crypto.randomUUID()}`, 'GET, HEAD, PATCH, DELETE'],
			['PUT', `/v1/tasks/${crypto.randomUUID()}`, 'GET, HEAD, PATCH, DELETE'],
			['GET', '/v1/me/tasks', 'DELETE'],
			['POST', '/healthz', 'GET, HEAD'],
			['DELETE', '/openapi.json', 'GET, HEAD'],
		] as const) {
			for (const auth of [{ token }, {}]) {
				const response = await call(api, method, path, auth)
				await expectProblem(response, 405)
				expect(response.headers.get('allow')).toBe(allow)
			}
		}
		for (const path of ['/', '/v1', '/v2/tasks', '/v1/tasks/a/b', '/v1/tasks/', '/api/auth/jwks']) {
			await expectProblem(await call(api, 'GET', path, { token }), 404)
		}
	})

	test('a route added to the app answers 405 with Allow for other methods, with no second edit', async () => {
		const { token } = await newUser()
		const extended = await startApi({
			jwksUrl: jwks.url,
			sharing: api,
			extend: (app) => {
				app.get('/v1/reports/:id', (c) => c.json({ id: c.req.param('id') }))
				app.put('/v1/reports/:id', (c) => c.json({ id: c.req.param('id') }))
			},
		})
		try {
			expect((await call(extended, 'GET', '/v1/reports/r1', { token })).status).toBe(200)
			for (const auth of [{ token }, {}]) {
				const response = await call(extended, 'POST', '/v1/reports/r1', auth)
				await expectProblem(response, 405)
				expect(response.headers.get('allow')).toBe('GET, HEAD, PUT')
			}
			const line = extended.logs.find((entry) => entry.method === 'POST' && entry.status === 405)
			expect(line).toMatchObject({ route: '/v1/reports/:id' })
		} finally {
			await extended.close()
		}
	})

	test('security headers and a request id on every response', async () => {
		const { token } = await newUser()
		const responses = [
			await call(api, 'GET', '/healthz'),
			await call(api, 'GET', '/v1/tasks', { token }),
			await call(api, 'GET', '/v1/tasks'),
			await call(api, 'GET', '/nope'),
			await call(api, 'POST', '/v1/tasks', { token, body: '{' }),
			await call(api, 'GET', '/openapi.json'),
		]
		for (const response of responses) {
			expect(response.headers.get('x-content-type-options')).toBe('nosniff')
			expect(response.headers.get('cache-control')).toBe('no-store')
			expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
			expect(response.headers.get('referrer-policy')).toBe('no-referrer')
			expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin')
			expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin')
			expect(response.headers.get('x-frame-options')).toBe('DENY')
			expect(response.headers.get('strict-transport-security')).toBeNull()
			expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
			expect(response.headers.get('access-control-allow-origin')).toBeNull()
		}
	})

	test('one log line per request with method, route, status, duration, request id and user; x-request-id echoed', async () => {
		const { sub, token } = await newUser()
		const created = await create(token, { title: 'logged' })
		const response = await call(api, 'GET', `/v1/tasks/${created.id}`, { token, headers: { 'x-request-id': 'req-abc-123' } })
		expect(response.headers.get('x-request-id')).toBe('req-abc-123')
		const line = api.logs.find((entry) => entry.requestId === 'req-abc-123')
		expect(line).toMatchObject({ method: 'GET', route: '/v1/tasks/:id', status: 200, userId: sub, service: 'tasks-api' })
		expect(typeof line?.durationMs).toBe('number')
		expect(JSON.stringify(api.logs)).not.toContain(token)
		// A request id that could forge log content is replaced.
		const odd = await call(api, 'GET', '/healthz', { headers: { 'x-request-id': 'a b\tc"' } })
		expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
		for (const safe of ['trace.1:span@host', 'A_b-9']) {
			expect((await call(api, 'GET', '/healthz', { headers: { 'x-request-id': safe } })).headers.get('x-request-id')).toBe(safe)
		}
		for (const unsafe of ['abc=', 'x'.repeat(129)]) {
			expect((await call(api, 'GET', '/healthz', { headers: { 'x-request-id': unsafe } })).headers.get('x-request-id')).toMatch(
				/^[0-9a-f-]{36}$/,
			)
		}
	})

	test('/healthz and /openapi.json without a token; the document describes every endpoint', async () => {
		expect(await (await call(api, 'GET', '/healthz')).json()).toEqual({ status: 'ok' })
		const response = await call(api, 'GET', '/openapi.json')
		expect(response.status).toBe(200)
		const document = (await response.json()) as {
			openapi: string
			paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
			components: { schemas: Record<string, unknown> }
		}
		expect(document.openapi).toBe('3.1.0')
		expect(Object.keys(document.paths).sort()).toEqual([
			'/v1/invitations/{invitationId}/accept',
			'/v1/me/access-tokens/{tokenId}/revocation',
			'/v1/me/status',
			'/v1/me/tasks',
			'/v1/me/workspaces',
			'/v1/tasks',
			'/v1/tasks/{id}',
			'/v1/tasks/{id}/restore',
			'/v1/workspaces',
			'/v1/workspaces/{workspaceId}',
			'/v1/workspaces/{workspaceId}/invitations/{invitationId}',
			'/v1/workspaces/{workspaceId}/members',
			'/v1/workspaces/{workspaceId}/members/{userId}',
			'/v1/workspaces/{workspaceId}/tasks',
			'/v1/workspaces/{workspaceId}/tasks/{id}',
			'/v1/workspaces/{workspaceId}/tasks/{id}/restore',
			'/v1/workspaces/{workspaceId}/transfer',
		])
		expect(Object.keys(document.paths['/v1/tasks/{id}/restore']!)).toEqual(['post'])
		expect(Object.keys(document.paths['/v1/tasks/{id}/restore']!.post!.responses).sort()).toEqual(['200', '401', '404', '503'])
		expect(Object.keys(document.paths['/v1/tasks']!).sort()).toEqual(['delete', 'get', 'post'])
		expect(Object.keys(document.paths['/v1/tasks/{id}']!).sort()).toEqual(['delete', 'get', 'patch'])
		expect(document.paths['/v1/tasks']!.post!.responses).toHaveProperty('201')
		expect(document.components.schemas).toHaveProperty('Task')
		expect(document.components.schemas).toHaveProperty('CreateTaskInput')
		expect(document.components.schemas).toHaveProperty('Problem')
	})

	test('a database failure is a 500 without internals, and the service keeps answering', async () => {
		const { token } = await newUser()
		const { sql } = await import('drizzle-orm')
		await api.database.db.execute(sql`alter table task rename to task_away`)
		try {
			const response = await call(api, 'GET', '/v1/tasks', { token })
			const body = await expectProblem(response, 500)
			expect(JSON.stringify(body)).not.toMatch(/task_away|relation|select|drizzle|postgres/i)
		} finally {
			await api.database.db.execute(sql`alter table task_away rename to task`)
		}
		expect((await call(api, 'GET', '/v1/tasks', { token })).status).toBe(200)
	})
})

describe('order of checks', () => {
	test('an anonymous caller gets 401 before any body check (415, 413, 400, 422)', async () => {
		for (const init of [
			{ headers: { 'content-type': 'text/plain' }, body: 'x' },
			{ headers: { 'content-type': 'application/json' }, body: '{' },
			{ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notes: 'n'.repeat(70_000) }) },
			{ headers: { 'content-type': 'application/json' }, body: '{}' },
		]) {
			const response = await fetch(`${api.url}/v1/tasks`, { method: 'POST', ...init })
			expect(response.status).toBe(401)
		}
	})
})
