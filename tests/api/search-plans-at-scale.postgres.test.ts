/**
 * A common search term on a big table (issue 25, `npm run bench:scale`):
 * with 205,000 tasks, "passport" in one in 17 of them, Postgres's default
 * random_page_cost (4) may plan the search as a bitmap of every match in
 * the table ANDed with the list's rows (it did, with the statistics of most
 * ANALYZE samples: with SEARCH_RANDOM_PAGE_COST = '4' this test failed 3
 * runs of 3);
 * the search connections (`customPlanDb`, random_page_cost 1.1) walk the
 * list newest first and stop at a page. A rare term still uses the trigram
 * index. Postgres only: the
 * custom-plan connections are Postgres's (PGlite has one database).
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { OpenedDatabase } from '#common/database.ts'
import { listTasksQuerySchema } from '#common/tasks-contract.ts'
import type { TasksSchema } from '#server/db/schema.ts'
import { listTasks, personalList } from '#server/tasks/repository.ts'
import { openTasksDatabase, SLOW_START_MS } from './test-support.ts'

let database: OpenedDatabase<TasksSchema>

beforeAll(async () => {
	database = await openTasksDatabase({ maxConnections: 2, maxCustomPlanConnections: 1 })
	await database.migrate()
	const title = (n: string) => sql.raw(`case when ${n} % 17 = 0 then 'passport task ' || ${n} else 'other task ' || ${n} end`)
	// 2,000 other lists of 100 tasks, then the user's 5,000 (three with a rare word).
	await database.db.execute(sql`
		insert into task (user_id, title, created_at)
		select 'other-' || (n % 2000), ${title('n')}, timestamptz '2026-01-01' + n * interval '1 second'
		from generate_series(1, 200000) as n`)
	await database.db.execute(sql`
		insert into task (user_id, title, notes, created_at)
		select 'scale-user', ${title('n')}, case when n % 2000 = 0 then 'a zanzibar note' end, timestamptz '2026-01-01' + n * interval '1 minute'
		from generate_series(1, 5000) as n`)
	await database.db.execute(sql`analyze task`)
}, SLOW_START_MS)

afterAll(async () => {
	await database?.close()
})

const search = (q: string) => listTasks(database, personalList('scale-user'), 'scale-user', listTasksQuerySchema.parse({ q }), undefined)

/** Scans of the trigram index so far (a backend's counts reach the view when it next reports them, at most a second later). */
async function trigramScans(): Promise<number> {
	await new Promise((resolve) => setTimeout(resolve, 1200))
	const rows = await database.db.transaction(async (tx) => {
		await tx.execute(sql`select pg_stat_clear_snapshot()`)
		return tx.execute<{ scans: string }>(
			sql`select idx_scan as scans from pg_stat_user_indexes where indexrelname = 'task_search_trgm_idx'`,
		)
	})
	return Number((rows as unknown as Array<{ scans: string }>)[0]!.scans)
}

test('a common term walks the list; a rare one uses the trigram index', async () => {
	const before = await trigramScans()
	const common = await search('passport')
	expect(common.items).toHaveLength(50)
	expect(common.items[0]!.title).toBe('passport task 4998')
	expect(await trigramScans()).toBe(before)

	const rare = await search('zanzibar')
	expect(rare.items.map((task) => task.title)).toEqual(['other task 4000', 'other task 2000'])
	expect(await trigramScans()).toBe(before + 1)
})
