/**
 * Vitest setup file: gives every test file its own fresh database, already
 * migrated: a copy of the template tests/support/database-template.ts made
 * once for the run (a file that tests the migrations themselves gets an
 * empty one, see STARTS_EMPTY).
 * - With DATABASE_URL (CI): creates a throwaway Postgres database from the
 *   template, points DATABASE_URL at it for this file, and drops it (WITH
 *   FORCE) afterwards.
 * - Without: DATA_DIR starts with copies of the template's embedded
 *   databases (PGlite), which each service opens there.
 * Either way DATA_DIR is a new temporary directory, removed afterwards.
 * Worker processes are reused between files, so the original DATABASE_URL is
 * stashed once and every file starts again from it.
 */
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, expect, inject } from 'vitest'
import { SERVICE_DATABASES } from './database-template.ts'

/** Test files that run the migrations on an empty database (on PGlite they open a database of their own name). */
const STARTS_EMPTY = ['common/database.test.ts', 'common/database-pooler.postgres.test.ts', 'tests/api/workspaces-migration.test.ts']

const BASE_KEY = 'TASKWELL_TEST_BASE_DATABASE_URL'
if (process.env[BASE_KEY] === undefined) {
	process.env[BASE_KEY] = process.env.DATABASE_URL ?? ''
}
const baseUrl = process.env[BASE_KEY]
const template = inject('databaseTemplate')
const testFile = path.relative(process.cwd(), expect.getState().testPath ?? '')
const startsEmpty = STARTS_EMPTY.includes(testFile)

const cleanups: Array<() => Promise<void>> = []
/** Test files register closing of their own pools here (before the drop). */
export function onTestDatabaseTeardown(cleanup: () => Promise<void>) {
	cleanups.push(cleanup)
}

// DATA_DIR holds the embedded databases, the local secret and the dev
// outbox: always a fresh one.
const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-test-'))
process.env.DATA_DIR = dataDir
let dropDatabase = async () => {}

if (baseUrl) {
	if (template.kind !== 'postgres') throw new Error('the template was made without DATABASE_URL')
	const name = `taskwell_test_${randomBytes(6).toString('hex')}`
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
	await admin.unsafe(startsEmpty ? `create database "${name}"` : `create database "${name}" template "${template.name}"`)
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	process.env.DATABASE_URL = url.toString()
	dropDatabase = async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
	}
} else {
	if (template.kind !== 'pglite') throw new Error('the template was made with DATABASE_URL')
	delete process.env.DATABASE_URL
	for (const service of SERVICE_DATABASES) {
		cpSync(path.join(template.dataDir, service), path.join(dataDir, service), { recursive: true })
	}
}

afterAll(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
	await dropDatabase()
	rmSync(dataDir, { recursive: true, force: true })
})
