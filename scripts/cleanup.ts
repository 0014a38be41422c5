/**
 * `npm run cleanup -- --app` or `-- --api`: runs one service's clean-up of
 * expired rows now, as its hourly timer would (app/lib/expired-rows.server.ts,
 * server/cleanup.ts): the same bounded, paced batches, under the same lease,
 * so it never runs beside an instance's own clean-up. For operators (a
 * backlog after an outage) and for the benchmark.
 *
 * - One run by default; `--until-done` runs again until no table has a
 *   backlog left (a run deletes at most 500,000 rows per table). Each run
 *   prints one JSON line: the service, the run's number, its duration, the
 *   rows deleted per table and whether a backlog is left (`more`).
 * - When another instance holds the lease it prints "skipped: another
 *   instance holds the clean-up lease" and exits 0.
 * - It reads only the database variables (DATABASE_URL, DATABASE_POOLER,
 *   DATA_DIR), as the services read them, so it runs with just those set;
 *   it applies no migration: the service must have started once with this
 *   version (its migrations make the lease table), else it says so.
 * - The embedded database (PGlite) serves one process at a time: while the
 *   service holds it, this says so and does nothing.
 * - Ctrl-C stops after the current batch and releases the lease.
 *
 * Exit status: 0 done (or skipped), 1 failed (the reason on stderr), 2 usage.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { getTableName, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { deleteExpiredAppRows } from '#app/lib/expired-rows.server.ts'
import { appCleanupLease, schema as appSchema } from '#app/lib/db/schema.ts'
import type { CleanupRun } from '#common/batched-cleanup.ts'
import { rowsOf, type StatementRunner } from '#common/cleanup-lease.ts'
import { DatabaseStartupError, EmbeddedDatabaseInUseError, openDatabase, type OpenedDatabase } from '#common/database.ts'
import { EnvError, readDatabaseEnv, type DatabaseEnv } from '#common/env.ts'
import { deleteExpiredRows as deleteExpiredTasksRows } from '#server/cleanup.ts'
import { schema as tasksSchema, taskApiCleanupLease } from '#server/db/schema.ts'

const USAGE = `Usage:
  npm run cleanup -- --app [--until-done]   the app's clean-up (sessions, tokens, counters, old log rows)
  npm run cleanup -- --api [--until-done]   the task API's (idempotency keys, counters, deleted tasks, revocations)

One run by default (at most 500,000 rows per table); --until-done runs again
until no backlog is left. Runs against DATABASE_URL (DATABASE_POOLER), or
else the embedded database in DATA_DIR (default .data).`

type Service = {
	label: string
	/** Its embedded database's directory under DATA_DIR, and its name in messages. */
	name: 'app' | 'tasks'
	schema: Record<string, unknown>
	lease: PgTable
	run: (db: StatementRunner, signal: AbortSignal) => Promise<CleanupRun<string> | null>
}

const SERVICES: Record<'--app' | '--api', Service> = {
	'--app': {
		label: 'app',
		name: 'app',
		schema: appSchema,
		lease: appCleanupLease,
		run: (db, signal) => deleteExpiredAppRows(db, { signal }),
	},
	'--api': {
		label: 'api',
		name: 'tasks',
		schema: tasksSchema,
		lease: taskApiCleanupLease,
		run: (db, signal) => deleteExpiredTasksRows(db, { signal }),
	},
}

const SERVICE_NAMES = { app: 'the app', tasks: 'the task API' }

async function open(service: Service, env: DatabaseEnv): Promise<OpenedDatabase<Record<string, unknown>> | string> {
	if (!env.DATABASE_URL && !existsSync(path.resolve(env.DATA_DIR, service.name))) {
		return `no embedded database of ${SERVICE_NAMES[service.name]} in ${path.resolve(env.DATA_DIR, service.name)}: start ${SERVICE_NAMES[service.name]} once, or set DATABASE_URL`
	}
	try {
		return await openDatabase({
			databaseUrl: env.DATABASE_URL,
			pooler: env.DATABASE_POOLER,
			dataDir: env.DATA_DIR,
			name: service.name,
			schema: service.schema,
			// Never applied here (see the module comment).
			migrationsFolder: path.resolve('drizzle', service.name),
			migrationsTable: `__drizzle_migrations_${service.name}`,
			maxConnections: 1,
		})
	} catch (error) {
		if (error instanceof EmbeddedDatabaseInUseError) {
			return `the embedded database in ${env.DATA_DIR} is open in another process (pid ${error.ownerPid}), probably \`npm run dev\` or \`npm start\`, whose own clean-up runs hourly: it serves one process at a time`
		}
		if (error instanceof DatabaseStartupError) return `cannot open the database: ${error.message}`
		throw error
	}
}

async function main(args: string[]): Promise<number> {
	if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
		console.log(USAGE)
		return 0
	}
	const chosen = args.filter((arg): arg is '--app' | '--api' => arg === '--app' || arg === '--api')
	const untilDone = args.includes('--until-done')
	if (chosen.length !== 1 || args.length !== 1 + Number(untilDone)) {
		console.error(USAGE)
		return 2
	}
	const service = SERVICES[chosen[0]!]

	let env: DatabaseEnv
	try {
		env = readDatabaseEnv(process.env, 'Taskwell clean-up')
	} catch (error) {
		if (!(error instanceof EnvError)) throw error
		console.error(error.message)
		return 1
	}

	const database = await open(service, env)
	if (typeof database === 'string') {
		console.error(`cleanup failed: ${database}`)
		return 1
	}
	const stopping = new AbortController()
	const onSignal = () => stopping.abort()
	process.once('SIGINT', onSignal)
	process.once('SIGTERM', onSignal)
	try {
		const leaseTable = getTableName(service.lease)
		const [found] = rowsOf<{ present: boolean }>(await database.db.execute(sql`select to_regclass(${leaseTable}) is not null as present`))
		if (!found?.present) {
			console.error(
				`cleanup failed: the table ${leaseTable} is missing: this database has not been migrated to this version of ${SERVICE_NAMES[service.name]}. ` +
					'Start it once (it applies its migrations), or run `npm run db:migrate`, then run this again.',
			)
			return 1
		}
		for (let round = 1; ; round++) {
			const started = performance.now()
			const run = await service.run(database.db, stopping.signal)
			if (!run) {
				console.log('skipped: another instance holds the clean-up lease')
				return 0
			}
			const ms = Math.round(performance.now() - started)
			console.log(JSON.stringify({ service: service.label, round, ms, more: run.more, counts: run.counts }))
			if (stopping.signal.aborted) {
				console.error('stopped: the clean-up lease is released; expired rows may be left')
				return 130
			}
			if (!run.more || !untilDone) return 0
		}
	} catch (error) {
		console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`)
		return 1
	} finally {
		process.off('SIGINT', onSignal)
		process.off('SIGTERM', onSignal)
		await database.close().catch(() => {})
	}
}

process.exitCode = await main(process.argv.slice(2))
