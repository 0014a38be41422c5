/**
 * The app's database: Postgres via DATABASE_URL, or the embedded PGlite under
 * DATA_DIR. Opened and migrated once per process (kept across dev reloads).
 */
import path from 'node:path'
import { openDatabase, type OpenedDatabase } from '#common/database.ts'
import { schema, type AppSchema } from './db/schema.ts'
import { getEnv } from './env.server.ts'

export const APP_MIGRATIONS = {
	migrationsFolder: path.resolve('drizzle/app'),
	migrationsTable: '__drizzle_migrations_app',
}

export async function openAppDatabase(env = getEnv()): Promise<OpenedDatabase<AppSchema>> {
	return openDatabase({
		databaseUrl: env.DATABASE_URL,
		pooler: env.DATABASE_POOLER,
		dataDir: env.DATA_DIR,
		name: 'app',
		schema,
		...APP_MIGRATIONS,
	})
}

type Registry = Map<string, Promise<OpenedDatabase<AppSchema>>>
const registry: Registry = ((globalThis as { __taskwellAppDb?: Registry }).__taskwellAppDb ??= new Map())

/**
 * The process-wide database, opened and migrated on first use. Keyed by the
 * connection target, so a dev reload reuses the open PGlite while a test file
 * pointing at a fresh database gets its own.
 */
export function getAppDatabase(): Promise<OpenedDatabase<AppSchema>> {
	const env = getEnv()
	const key = env.DATABASE_URL ?? path.resolve(env.DATA_DIR)
	let opened = registry.get(key)
	if (!opened) {
		opened = openAppDatabase(env).then(async (database) => {
			await database.migrate()
			return database
		})
		opened.catch(() => registry.delete(key))
		registry.set(key, opened)
	}
	return opened
}

export const database = await getAppDatabase()
export const db = database.db
