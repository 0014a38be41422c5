/**
 * Vitest setup file: gives every test file its own fresh database.
 * - With DATABASE_URL (CI): creates a throwaway Postgres database, points
 *   DATABASE_URL at it for this file, and drops it (WITH FORCE) afterwards.
 * - Without: each service opens a brand-new embedded PGlite in DATA_DIR.
 * Either way DATA_DIR is a new temporary directory, removed afterwards.
 * Worker processes are reused between files, so the original DATABASE_URL is
 * stashed once and every file starts again from it.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll } from 'vitest'

const BASE_KEY = 'TASKWELL_TEST_BASE_DATABASE_URL'
if (process.env[BASE_KEY] === undefined) {
	process.env[BASE_KEY] = process.env.DATABASE_URL ?? ''
}
const baseUrl = process.env[BASE_KEY]

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
	const name = `taskwell_test_${randomBytes(6).toString('hex')}`
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${name}"`)
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	process.env.DATABASE_URL = url.toString()
	dropDatabase = async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
	}
} else {
	delete process.env.DATABASE_URL
}

afterAll(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
	await dropDatabase()
	rmSync(dataDir, { recursive: true, force: true })
})
