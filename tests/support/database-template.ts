/**
 * Vitest global setup: migrates one template database before any test file
 * runs, so that each file's fresh database (tests/support/fresh-database.ts)
 * is a copy of it instead of a new database migrated again. Creating and
 * migrating an embedded database costs seconds of CPU per file; a copy costs
 * a fraction of that, and on Postgres `CREATE DATABASE … TEMPLATE` replaces
 * ten migrations per file. The copies hold drizzle's migrations tables, so
 * the services' own `migrate()` at start finds nothing to do, as on a
 * deployed database that is already up to date.
 * - With DATABASE_URL: a database `taskwell_template_<random>` on that
 *   server, dropped at the end of the run.
 * - Without: a temporary DATA_DIR holding the app's and the task API's
 *   embedded databases, closed cleanly (a cold copy of a stopped cluster),
 *   removed at the end of the run.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '#common/database.ts'

export type DatabaseTemplate = { kind: 'postgres'; name: string } | { kind: 'pglite'; dataDir: string }

declare module 'vitest' {
	export interface ProvidedContext {
		databaseTemplate: DatabaseTemplate
	}
}

/** The two services' migrations, as each applies them at start (app/lib/db.server.ts, server/index.ts). */
export const SERVICE_DATABASES = ['app', 'tasks'] as const

async function migrateServices(databaseUrl: string | undefined, dataDir: string) {
	for (const name of SERVICE_DATABASES) {
		const database = await openDatabase({
			databaseUrl,
			dataDir,
			name,
			schema: {},
			migrationsFolder: path.resolve('drizzle', name),
			migrationsTable: `__drizzle_migrations_${name}`,
		})
		try {
			await database.migrate()
		} finally {
			await database.close()
		}
	}
}

export default async function setup(project: TestProject) {
	const baseUrl = process.env.DATABASE_URL
	if (!baseUrl) {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-template-'))
		await migrateServices(undefined, dataDir)
		project.provide('databaseTemplate', { kind: 'pglite', dataDir })
		return () => rmSync(dataDir, { recursive: true, force: true })
	}
	const name = `taskwell_template_${randomBytes(6).toString('hex')}`
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${name}"`)
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	try {
		await migrateServices(url.toString(), '')
	} catch (error) {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
		throw error
	}
	project.provide('databaseTemplate', { kind: 'postgres', name })
	return async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
	}
}
