/**
 * How the task list's queries are planned (issue 8). On Postgres a search
 * runs on `customPlanDb`: every run is planned for its term (common: walk
 * the sort order; rare: the trigram index), never one generic plan kept for
 * all terms. A list without a search keeps its generic plan: planned once
 * per connection. Read from pg_prepared_statements, on pools of one
 * connection each so the statements are the ones the queries used.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { OpenedDatabase } from '#common/database.ts'
import { listTasksQuerySchema } from '#common/tasks-contract.ts'
import type { TasksSchema } from '#server/db/schema.ts'
import { listTasks, personalList } from '#server/tasks/repository.ts'
import { openTasksDatabase, SLOW_START_MS } from './test-support.ts'

let database: OpenedDatabase<TasksSchema>

const open = (maxConnections: number) => openTasksDatabase({ maxConnections, maxCustomPlanConnections: 1 })

beforeAll(async () => {
	database = await open(2)
	await database.migrate() // holds one connection for its lock while it runs on another
	if (database.kind === 'postgres') {
		await database.close()
		database = await open(1)
	}
	// 300 tasks, one a minute: "common" in every one, "rare" in three.
	await database.db.execute(sql`
		insert into task (user_id, title, notes, created_at)
		select 'plans-user', 'common task ' || n, case when n % 100 = 0 then 'a rare note' end, timestamptz '2026-01-01' + n * interval '1 minute'
		from generate_series(1, 300) as n`)
	await database.db.execute(sql`analyze task`)
}, SLOW_START_MS)

afterAll(async () => {
	await database?.close()
})

const list = (query: Record<string, string>) =>
	listTasks(database, personalList('plans-user'), 'plans-user', listTasksQuerySchema.parse(query), undefined)

type PreparedStatement = { statement: string; generic_plans: number; custom_plans: number }
async function preparedStatements(db: OpenedDatabase<TasksSchema>['db']): Promise<PreparedStatement[]> {
	const result = await db.execute<PreparedStatement>(
		sql`select statement, generic_plans::int, custom_plans::int from pg_prepared_statements where statement like '%from "task"%'`,
	)
	return Array.isArray(result) ? result : (result as unknown as { rows: PreparedStatement[] }).rows
}

test('a search is planned for its term on every run; a plain list keeps one generic plan', async () => {
	for (let run = 0; run < 8; run++) {
		const [common, rare, plain] = await Promise.all([list({ q: 'common' }), list({ q: 'RARE' }), list({})])
		expect(common.items).toHaveLength(50)
		expect(rare.items.map((task) => task.title)).toEqual(['common task 300', 'common task 200', 'common task 100'])
		expect(plain.items).toHaveLength(50)
		expect(common.counts).toEqual({ all: 300, active: 300, completed: 0 })
	}
	if (database.kind === 'pglite') {
		// PGlite keeps no prepared statements: every query is planned for its values, on the one database.
		expect(database.customPlanDb).toBe(database.db)
		return
	}
	const searches = (await preparedStatements(database.customPlanDb)).filter((row) => row.statement.includes(' like lower('))
	expect(searches).toHaveLength(1)
	expect(searches[0]).toMatchObject({ generic_plans: 0, custom_plans: 16 })
	const plain = (await preparedStatements(database.db)).filter((row) => !row.statement.includes(' like '))
	expect(plain).toHaveLength(1)
	expect(plain[0]!.generic_plans).toBeGreaterThan(0)
	expect(plain[0]!.custom_plans).toBeLessThanOrEqual(5)
})
