// `npm run db:migrate`: applies both services' migrations (each also does
// this on start). Safe to run while instances are starting: advisory lock.
import path from 'node:path'
import { openDatabase } from '#common/database.ts'
import { readAppEnv } from '#app/lib/env.server.ts'

const env = readAppEnv()
const services = [
	{ name: 'app', migrationsFolder: 'drizzle/app', migrationsTable: '__drizzle_migrations_app' },
	{ name: 'tasks', migrationsFolder: 'drizzle/tasks', migrationsTable: '__drizzle_migrations_tasks' },
]

for (const service of services) {
	const database = await openDatabase({
		databaseUrl: env.DATABASE_URL,
		pooler: env.DATABASE_POOLER,
		dataDir: env.DATA_DIR,
		name: service.name,
		schema: {},
		migrationsFolder: path.resolve(service.migrationsFolder),
		migrationsTable: service.migrationsTable,
	})
	try {
		await database.migrate()
		console.log(`${service.name}: migrations applied (${database.kind})`)
	} finally {
		await database.close()
	}
}
