/**
 * Migration 0006 (workspaces) on a database that already holds tasks: the
 * rows keep their ids and fields, their list key is their user's id, and
 * task_count (renamed to list_key) keeps every count; the triggers then keep
 * counting by list. Starts from an empty database (tests/support/fresh-database.ts).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { openDatabase, type OpenedDatabase } from '#common/database.ts'
import { schema, type TasksSchema } from '#server/db/schema.ts'

const opened: Array<OpenedDatabase<TasksSchema>> = []
afterAll(async () => {
	for (const database of opened.splice(0)) await database.close()
})

/** drizzle/tasks as it stood before 0006. */
function migrationsBeforeWorkspaces(): string {
	const folder = mkdtempSync(path.join(tmpdir(), 'tasks-migrations-'))
	cpSync(path.resolve('drizzle/tasks'), folder, { recursive: true })
	const journalFile = path.join(folder, 'meta/_journal.json')
	const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number }> }
	journal.entries = journal.entries.filter((entry) => entry.idx < 6)
	writeFileSync(journalFile, JSON.stringify(journal))
	return folder
}

async function open(migrationsFolder: string) {
	const database = await openDatabase({
		databaseUrl: process.env.DATABASE_URL,
		dataDir: process.env.DATA_DIR ?? '.data',
		name: 'workspaces-migration-test',
		schema,
		migrationsFolder,
		migrationsTable: '__drizzle_migrations_tasks',
	})
	opened.push(database)
	return database
}

async function rows<T>(database: OpenedDatabase<TasksSchema>, query: ReturnType<typeof sql>): Promise<T[]> {
	const result = await database.db.execute(query)
	return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[]
}

test('existing tasks and counts come through 0006 untouched, keyed by their user', async () => {
	const before = await open(migrationsBeforeWorkspaces())
	await before.migrate()
	await before.db.execute(sql`
		insert into task (user_id, title, completed, completed_at, deleted_at)
		select 'user-' || (n % 2), 'task ' || n, n % 3 = 0, case when n % 3 = 0 then now() end, case when n = 7 then now() end
		from generate_series(1, 10) as n`)
	const countsBefore = await rows<{ user_id: string; live: number; completed: number }>(
		before,
		sql`select user_id, live, completed from task_count order by user_id`,
	)
	expect(countsBefore).toEqual([
		{ user_id: 'user-0', live: 5, completed: 1 },
		{ user_id: 'user-1', live: 4, completed: 2 },
	])
	const tasksBefore = await rows<Record<string, unknown>>(before, sql`select id, user_id, title, completed from task order by id`)
	await before.close()
	opened.splice(opened.indexOf(before), 1)

	const after = await open(path.resolve('drizzle/tasks'))
	await after.migrate()
	expect(await rows(after, sql`select list_key, live, completed from task_count order by list_key`)).toEqual(
		countsBefore.map(({ user_id, ...counts }) => ({ list_key: user_id, ...counts })),
	)
	expect(await rows(after, sql`select id, user_id, title, completed from task order by id`)).toEqual(tasksBefore)
	expect(await rows(after, sql`select count(*)::int as n from task where list_key <> user_id or workspace_id is not null`)).toEqual([
		{ n: 0 },
	])
	// The triggers count by list now: a personal task and a workspace's.
	await after.db.execute(sql`insert into workspace (id) values ('w1')`)
	await after.db.execute(sql`insert into task (user_id, title) values ('user-0', 'personal'), ('user-0', 'shared')`)
	await after.db.execute(sql`update task set workspace_id = 'w1' where title = 'shared'`)
	expect(await rows(after, sql`select list_key, live from task_count order by list_key`)).toEqual([
		{ list_key: 'user-0', live: 6 },
		{ list_key: 'user-1', live: 4 },
		{ list_key: 'w:w1', live: 1 },
	])
}, 90_000) // Two databases migrated from scratch (PGlite: 20–30 s on a loaded 2-core machine).
