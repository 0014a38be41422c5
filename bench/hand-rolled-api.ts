/**
 * The task API's list work hand-rolled, the baseline of `npm run bench`:
 * node:http + postgres.js + jose, no framework. GET /v1/tasks verifies the
 * EdDSA bearer token against the app's key set (issuer, audience, EdDSA
 * only), selects one page of 51 rows (newest first) and the counts (the
 * task_count row the real API's triggers keep), and
 * answers JSON.stringify of the same shape as the real API.
 *
 *   DATABASE_URL=postgres://… AUTH_JWKS_URL=… AUTH_ISSUER=… PORT=… npx tsx bench/hand-rolled-api.ts
 */
import { createServer } from 'node:http'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import postgres from 'postgres'

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} })
const keys = createRemoteJWKSet(new URL(process.env.AUTH_JWKS_URL!))
const issuer = process.env.AUTH_ISSUER!
const audience = process.env.TASKS_API_AUDIENCE ?? 'taskwell-tasks-api'
const LIMIT = 50

type Row = {
	id: string
	title: string
	notes: string | null
	completed: boolean
	due_date: string | null
	priority: string
	created_at: Date
	updated_at: Date
	completed_at: Date | null
	user_id: string
	assignee_id: string | null
}

const server = createServer(async (req, res) => {
	try {
		if (req.method !== 'GET' || !req.url?.startsWith('/v1/tasks')) {
			res.writeHead(404).end()
			return
		}
		const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
		let userId: string
		try {
			const { payload } = await jwtVerify(token ?? '', keys, { issuer, audience, algorithms: ['EdDSA'] })
			userId = payload.sub!
		} catch {
			res.writeHead(401).end()
			return
		}
		const [rows, [counts]] = await Promise.all([
			// The personal list: its key is the user's id (migration 0006_workspaces).
			sql<Row[]>`select id, title, notes, completed, due_date::text, priority, created_at, updated_at, completed_at, user_id, assignee_id
				from task where list_key = ${userId} order by created_at desc, id desc limit ${LIMIT + 1}`,
			// The counts the triggers keep, as the real API reads them (migrations 0004_task_counts, 0006_workspaces).
			sql<{ all: number; completed: number }[]>`select live as all, completed from task_count where list_key = ${userId}`,
		])
		const page = rows.slice(0, LIMIT)
		const last = page.at(-1)
		const nextCursor =
			rows.length > LIMIT && last
				? Buffer.from(JSON.stringify({ s: 'created', o: 'desc', k: [last.created_at.toISOString(), last.id] })).toString('base64url')
				: null
		const body = JSON.stringify({
			items: page.map((row) => ({
				id: row.id,
				title: row.title,
				notes: row.notes,
				completed: row.completed,
				dueDate: row.due_date,
				priority: row.priority,
				createdAt: row.created_at.toISOString(),
				updatedAt: row.updated_at.toISOString(),
				completedAt: row.completed_at ? row.completed_at.toISOString() : null,
				createdBy: row.user_id,
				assigneeId: row.assignee_id,
			})),
			nextCursor,
			counts: { all: counts!.all, active: counts!.all - counts!.completed, completed: counts!.completed },
		})
		res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body)
	} catch (error) {
		console.error(error)
		res.writeHead(500).end()
	}
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('hand-rolled API listening'))
process.on('SIGTERM', () => {
	server.close()
	void sql.end({ timeout: 1 }).then(() => process.exit(0))
})
