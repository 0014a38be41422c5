/**
 * A Postgres database of a spec's own, for specs that start the production
 * servers themselves: a new database on DATABASE_URL's server when it is set
 * (CI), otherwise a throwaway PostgreSQL server in `workDir` on `port`
 * (tests/cluster/postgres-server.ts), or, with databaseOnServer(), the
 * services' embedded databases. close() drops or stops it. ownWorkDir()
 * makes the work directory too.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { createPostgres } from '../cluster/postgres-server.ts'

export type OwnDatabase = { url: string; close: () => Promise<void> }

export async function ownDatabase(label: string, workDir: string, port: number): Promise<OwnDatabase> {
	const onServer = await databaseOnServer(label)
	if (onServer) return onServer
	const server = createPostgres(workDir, port)
	await server.start()
	return { url: server.url, close: async () => server.stop() }
}

export type OwnWorkDir = { dir: string; database: OwnDatabase; remove: () => Promise<void> }

/**
 * A new temporary directory for a spec's servers (their DATA_DIR), and the
 * spec's own database (ownDatabase(), its throwaway server's files in that
 * directory) on `port`. remove() closes the database and deletes the
 * directory; if the database cannot be made, the directory is deleted at once.
 */
export async function ownWorkDir(label: string, port: number): Promise<OwnWorkDir> {
	const dir = mkdtempSync(path.join(tmpdir(), `taskwell-e2e-${label}-`))
	const removeDir = () => rmSync(dir, { recursive: true, force: true })
	try {
		const database = await ownDatabase(label, dir, port)
		return {
			dir,
			database,
			remove: async () => {
				await database.close()
				removeDir()
			},
		}
	} catch (error) {
		removeDir()
		throw error
	}
}

/**
 * A new database on DATABASE_URL's server when it is set (CI), else
 * undefined: the spec's servers then open embedded databases of their own in
 * their DATA_DIR. For specs whose point is not the database: a Postgres
 * database is made in an instant, an embedded one takes seconds of CPU per
 * service start.
 */
export async function databaseOnServer(label: string): Promise<OwnDatabase | undefined> {
	const baseUrl = process.env.DATABASE_URL
	if (!baseUrl) return undefined
	const name = `taskwell_e2e_${label}_${randomBytes(5).toString('hex')}`
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${name}"`)
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	return {
		url: url.toString(),
		close: async () => {
			await admin.unsafe(`drop database if exists "${name}" with (force)`)
			await admin.end()
		},
	}
}
