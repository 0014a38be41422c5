/**
 * The BFF client against the real task API (createApp, started in-process on
 * this file's fresh database) with tokens minted by the app's real Better
 * Auth. A small forwarding proxy sits in front of it so a test can make the
 * API hang (timeout), answer 5xx, drop the connection, or reject tokens —
 * cases the real API cannot be made to produce on demand.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RouterContextProvider } from 'react-router'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { startApi, type RunningApi } from '#tests/api/test-support.ts'

type Mode = 'forward' | 'hang' | 'error-500' | 'reject-401' | 'reject-first-401' | 'drop' | 'lose-first-answer' | 'error-first-503'
let mode: Mode = 'forward'
const seen: { method: string; url: string; authorization?: string; requestId?: string; idempotencyKey?: string }[] = []
let upstream = ''
/** Each request held by 'hang': resolved when its connection closes. */
const held: Promise<void>[] = []
/** Called when 'hang' holds a request. */
let onHold: (() => void) | undefined

// The proxy listens first: its URL is the app's TASKS_API_URL, which the
// app's environment reads once.
const proxy: Server = createServer((req, res) => {
	seen.push({
		method: req.method ?? '',
		url: req.url ?? '',
		authorization: req.headers.authorization,
		requestId: req.headers['x-request-id'] as string | undefined,
		idempotencyKey: req.headers['idempotency-key'] as string | undefined,
	})
	const current = mode
	if (current === 'lose-first-answer' || current === 'error-first-503') mode = 'forward'
	if (current === 'error-first-503') {
		res.writeHead(503, { 'content-type': 'application/problem+json' })
		return res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }))
	}
	if (current === 'hang') {
		// Never answers.
		held.push(new Promise<void>((resolve) => res.on('close', () => resolve())))
		return onHold?.()
	}
	if (current === 'drop') return req.socket.destroy()
	if (current === 'error-500') {
		res.writeHead(500, { 'content-type': 'application/problem+json' })
		return res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }))
	}
	if (current === 'reject-401' || current === 'reject-first-401') {
		if (current === 'reject-first-401') mode = 'forward'
		res.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer error="invalid_token"' })
		return res.end(
			JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The bearer token is invalid or expired.' }),
		)
	}
	const target = new URL(req.url ?? '/', upstream)
	const forward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
		// The API did the work; its answer never reaches the BFF.
		if (current === 'lose-first-answer') return answer.resume().on('end', () => req.socket.destroy())
		res.writeHead(answer.statusCode ?? 502, answer.headers)
		answer.pipe(res)
	})
	req.pipe(forward)
})
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`

const BETTER_AUTH_URL = 'http://localhost:3000'
process.env.BETTER_AUTH_URL = BETTER_AUTH_URL
process.env.TASKS_API_AUDIENCE = 'taskwell-tasks-api'
process.env.TASKS_API_URL = proxyUrl
process.env.TASKS_API_TIMEOUT_MS = '1500'

const { auth } = await import('#app/lib/auth/better-auth.server.ts')
const { database } = await import('#app/lib/db.server.ts')
const { logger } = await import('#app/lib/logger.server.ts')
const { middleware: signedInMiddleware } = await import('#app/routes/_signed-in.tsx')
const { routeArgs, runMiddleware } = await import('#tests/support/routes.ts')
const { tasksApiContext, userContext } = await import('#app/context.server.ts')
const { createTasksApi } = await import('./client.server.ts')
const { createWorkspacesApi } = await import('./workspaces-client.server.ts')
const { tasksApiStats, clearTokenCache, forgetTokensForSession } = await import('./token-cache.server.ts')
const { TasksApiConflictError, TasksApiForbiddenError, TasksApiUnavailableError, TasksApiValidationError } =
	await import('./errors.server.ts')
onTestDatabaseTeardown(() => database.close())

let jwksServer: Server
let api: RunningApi

beforeAll(async () => {
	jwksServer = createServer((_req, res) => {
		void auth.handler(new Request(`${BETTER_AUTH_URL}/api/auth/jwks`)).then(async (response) => {
			res.statusCode = response.status
			res.setHeader('content-type', 'application/json')
			res.end(await response.text())
		})
	})
	await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
	api = await startApi({ jwksUrl: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/auth/jwks` })
	upstream = api.url
	// Warm up (the API's first key-set fetch, JIT) so the short timeout of
	// this file only ever fires in the timeout test.
	const warm = await clientFor(await signedInRequest())
	await warm.listTasks().catch(() => warm.listTasks())
})
afterAll(async () => {
	await api.close()
	proxy.closeAllConnections()
	jwksServer.closeAllConnections()
	await new Promise<void>((resolve) => proxy.close(() => resolve()))
	await new Promise<void>((resolve) => jwksServer.close(() => resolve()))
})
beforeEach(() => {
	mode = 'forward'
	seen.length = 0
	clearTokenCache()
})

let counter = 0
async function signedInRequest(path = '/tasks', init: RequestInit = {}) {
	counter += 1
	const { headers } = await auth.api.signUpEmail({
		body: { name: 'Ada', email: `bff-${counter}-${Date.now()}@example.com`, password: 'a good long password' },
		returnHeaders: true,
	})
	const cookie = headers
		.getSetCookie()
		.map((setCookie) => setCookie.split(';')[0])
		.join('; ')
	return () => new Request(`${BETTER_AUTH_URL}${path}`, { ...init, headers: { cookie, ...init.headers } })
}

/**
 * A fresh request (and request context) as the same user, through the
 * signed-in layout's middleware: the session is resolved per request.
 */
async function clientFor(makeRequest: () => Request) {
	const context = new RouterContextProvider()
	let client: import('./client.server.ts').TasksApi | undefined
	const response = await runMiddleware(signedInMiddleware, routeArgs(makeRequest(), {}, context), async () => {
		client = context.get(tasksApiContext)
		return new Response()
	})
	if (!client) throw response
	return client
}

describe('tokens', () => {
	test('one token is minted per session and reused across requests', async () => {
		const makeRequest = await signedInRequest()
		const before = tasksApiStats.mints
		const created = await (await clientFor(makeRequest)).createTask({ title: 'First' })
		expect(created.title).toBe('First')
		const list = await (await clientFor(makeRequest)).listTasks({ status: 'all' })
		expect(list.items.map((task) => task.id)).toEqual([created.id])
		expect(list.counts).toEqual({ all: 1, active: 1, completed: 0 })
		await (await clientFor(makeRequest)).getTask(created.id)
		expect(tasksApiStats.mints - before).toBe(1)
		const tokens = new Set(seen.map((entry) => entry.authorization))
		expect(tokens.size).toBe(1)
		expect([...tokens][0]).toMatch(/^Bearer eyJ/)
	})

	test('concurrent calls of one request share a single mint', async () => {
		const makeRequest = await signedInRequest()
		const client = await clientFor(makeRequest)
		const before = tasksApiStats.mints
		await Promise.all([client.listTasks(), client.listTasks({ status: 'active' }), client.listTasks({ status: 'completed' })])
		expect(tasksApiStats.mints - before).toBe(1)
	})

	test('forgetting a session (sign-out) drops its token', async () => {
		const makeRequest = await signedInRequest()
		await (await clientFor(makeRequest)).listTasks()
		const session = await auth.api.getSession({ headers: makeRequest().headers })
		forgetTokensForSession(session!.session.id)
		const before = tasksApiStats.mints
		await (await clientFor(makeRequest)).listTasks()
		expect(tasksApiStats.mints - before).toBe(1)
	})

	test('a 401 gets one fresh token and one retry', async () => {
		const makeRequest = await signedInRequest()
		await (await clientFor(makeRequest)).listTasks()
		seen.length = 0
		mode = 'reject-first-401'
		const before = tasksApiStats.mints
		const list = await (await clientFor(makeRequest)).listTasks()
		expect(list.items).toEqual([])
		expect(seen).toHaveLength(2)
		expect(tasksApiStats.mints - before).toBe(1)
	})

	test('a second 401 (a fresh token refused) is "unavailable", logged as an error; the session is kept', async () => {
		// Issue 9: the API refusing a token the app has just minted is a server
		// fault (keys, issuer or audience out of step), not a reason to sign out.
		const makeRequest = await signedInRequest('/tasks?status=active')
		const client = await clientFor(makeRequest)
		await client.listTasks()
		seen.length = 0
		mode = 'reject-401'
		const mintsBefore = tasksApiStats.mints
		const errors = vi.spyOn(logger, 'error')
		try {
			const thrown = await client.listTasks().catch((error: unknown) => error)
			expect(thrown).toBeInstanceOf(TasksApiUnavailableError)
			expect(thrown).toMatchObject({ reason: 'token-refused', status: 401 })
			expect(seen).toHaveLength(2)
			// The cached token, then one freshly minted.
			expect(tasksApiStats.mints - mintsBefore).toBe(1)
			// One error line with the request id and the API's reason, no token.
			expect(errors).toHaveBeenCalledTimes(1)
			const [fields, message] = errors.mock.calls[0] as unknown as [Record<string, unknown>, string]
			expect(fields).toMatchObject({
				requestId: seen[1]?.requestId,
				status: 401,
				apiReason: 'The bearer token is invalid or expired.',
			})
			expect(message).toMatch(/refused a token/)
			const logged = JSON.stringify(errors.mock.calls)
			for (const { authorization } of seen) expect(logged).not.toContain(authorization!.slice('Bearer '.length))
		} finally {
			errors.mockRestore()
		}
		// Still signed in: the session row is there, and the next call works.
		expect(await auth.api.getSession({ headers: makeRequest().headers })).not.toBeNull()
		mode = 'forward'
		expect((await (await clientFor(makeRequest)).listTasks()).items).toEqual([])
	})

	test('a session ended elsewhere (Better Auth has none when minting) redirects to login', async () => {
		const makeRequest = await signedInRequest('/tasks?status=active')
		const client = await clientFor(makeRequest)
		// Signed out in another tab after this request resolved its session.
		await auth.api.signOut({ headers: makeRequest().headers })
		const thrown = await client.listTasks().catch((error: unknown) => error)
		expect(thrown).toBeInstanceOf(Response)
		expect((thrown as Response).status).toBe(302)
		expect((thrown as Response).headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/tasks?status=active')}`)
		expect(seen).toHaveLength(0)
	})
})

describe('error mapping', () => {
	test('404 (unknown id, malformed id) becomes a thrown 404 Response', async () => {
		const makeRequest = await signedInRequest()
		const client = await clientFor(makeRequest)
		for (const id of ['8f7a5a1e-8d8f-4a57-9f39-1f2a3b4c5d6e', 'not-a-uuid']) {
			const thrown = await client.getTask(id).catch((error: unknown) => error)
			expect(thrown).toBeInstanceOf(Response)
			expect((thrown as Response).status).toBe(404)
		}
	})

	test('another user’s task is a 404', async () => {
		const ada = await clientFor(await signedInRequest())
		const grace = await clientFor(await signedInRequest())
		const task = await ada.createTask({ title: 'Private' })
		const thrown = await grace.getTask(task.id).catch((error: unknown) => error)
		expect((thrown as Response).status).toBe(404)
	})

	test('422 becomes field errors', async () => {
		const client = await clientFor(await signedInRequest())
		const thrown = await client.createTask({ title: 'x'.repeat(201) }).catch((error: unknown) => error)
		expect(thrown).toBeInstanceOf(TasksApiValidationError)
		expect(Object.keys((thrown as InstanceType<typeof TasksApiValidationError>).fieldErrors)).toEqual(['title'])
	})

	test('a hanging API times out (TASKS_API_TIMEOUT_MS) as unavailable', async () => {
		const client = await clientFor(await signedInRequest())
		mode = 'hang'
		const started = Date.now()
		const thrown = await client.listTasks().catch((error: unknown) => error)
		expect(thrown).toBeInstanceOf(TasksApiUnavailableError)
		expect((thrown as InstanceType<typeof TasksApiUnavailableError>).reason).toBe('timeout')
		expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
		expect(Date.now() - started).toBeLessThan(5000)
	})

	test('the browser gone (the request’s signal aborted): the call stops and its connection closes; no retry, no warning', async () => {
		const browser = new AbortController()
		const client = await clientFor(await signedInRequest('/tasks', { signal: browser.signal }))
		mode = 'hang'
		const arrived = new Promise<void>((resolve) => (onHold = resolve))
		const warnings = vi.spyOn(logger, 'warn')
		try {
			// A create: the one call that is otherwise sent a second time.
			const call = client.createTask({ title: 'Nobody is waiting' }).catch((error: unknown) => error)
			await arrived
			browser.abort()
			expect(await call).toMatchObject({ name: 'AbortError' })
			// The API sees its request's connection closed (not held until the timeout).
			await held[held.length - 1]
			expect(seen).toHaveLength(1)
			expect(warnings).not.toHaveBeenCalled()
		} finally {
			warnings.mockRestore()
			onHold = undefined
		}
	})

	test('5xx and a dropped connection are unavailable', async () => {
		const client = await clientFor(await signedInRequest())
		mode = 'error-500'
		const serverError = await client.listTasks().catch((error: unknown) => error)
		expect(serverError).toMatchObject({ reason: 'server-error', status: 500 })
		mode = 'drop'
		const dropped = await client.listTasks().catch((error: unknown) => error)
		expect(dropped).toBeInstanceOf(TasksApiUnavailableError)
		expect((dropped as InstanceType<typeof TasksApiUnavailableError>).reason).toBe('unreachable')
	})

	test('a create whose answer is lost is retried once with the same Idempotency-Key: one task', async () => {
		const client = await clientFor(await signedInRequest())
		mode = 'lose-first-answer'
		const created = await client.createTask({ title: 'Exactly once' }, { idempotencyKey: '0b6c5f9e-6d55-4c1e-9d43-5a4c2f0e8b71' })
		expect(seen.map((entry) => [entry.method, entry.idempotencyKey])).toEqual([
			['POST', '0b6c5f9e-6d55-4c1e-9d43-5a4c2f0e8b71'],
			['POST', '0b6c5f9e-6d55-4c1e-9d43-5a4c2f0e8b71'],
		])
		const list = await client.listTasks()
		expect(list.items.map((task) => task.id)).toEqual([created.id])
	})

	test('a create without a form key gets one of its own; a 503 is retried with it', async () => {
		const client = await clientFor(await signedInRequest())
		mode = 'error-first-503'
		const created = await client.createTask({ title: 'Retried' })
		expect(seen).toHaveLength(2)
		expect(seen[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
		expect(seen[1]?.idempotencyKey).toBe(seen[0]?.idempotencyKey)
		expect((await client.listTasks()).items.map((task) => task.id)).toEqual([created.id])
	})

	test('requests other than a create are never sent twice', async () => {
		const client = await clientFor(await signedInRequest())
		const task = await client.createTask({ title: 'Once' })
		seen.length = 0
		mode = 'drop'
		await expect(client.updateTask(task.id, { completed: true })).rejects.toBeInstanceOf(TasksApiUnavailableError)
		await expect(client.listTasks()).rejects.toBeInstanceOf(TasksApiUnavailableError)
		expect(seen.map((entry) => [entry.method, entry.idempotencyKey])).toEqual([
			['PATCH', undefined],
			['GET', undefined],
		])
	})

	test('x-request-id is forwarded, generated when absent', async () => {
		const client = await clientFor(await signedInRequest())
		await client.listTasks()
		await client.listTasks()
		expect(seen[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/)
		expect(seen[1]?.requestId).toBe(seen[0]?.requestId)
	})

	test('update, delete, restore, clear completed and delete all my tasks', async () => {
		const client = await clientFor(await signedInRequest())
		const one = await client.createTask({ title: 'One' })
		const two = await client.createTask({ title: 'Two', priority: 'high', dueDate: '2030-01-01', notes: 'n' })
		await client.createTask({ title: 'Three' })
		expect((await client.updateTask(one.id, { completed: true })).completedAt).not.toBeNull()
		expect(await client.clearCompleted()).toEqual({ deleted: 1, ids: [one.id] })
		await client.deleteTask(two.id)
		expect((await client.listTasks()).counts.all).toBe(1)
		expect((await client.restoreTask(two.id)).title).toBe('Two')
		expect((await client.listTasks()).counts.all).toBe(2)
		await client.deleteTask(two.id)
		await client.deleteAllMyTasks()
		expect((await client.listTasks()).counts.all).toBe(0)
	})
})

/** The signed-in user's session, request and context (as the signed-in layout resolves them), for the scoped clients. */
async function sessionFor(makeRequest: () => Request) {
	const context = new RouterContextProvider()
	const request = makeRequest()
	let current: import('#app/lib/auth/session.server.ts').CurrentSession | undefined
	await runMiddleware(signedInMiddleware, routeArgs(request, {}, context), async () => {
		current = context.get(userContext)
		return new Response()
	})
	if (!current) throw new Error('not signed in')
	return {
		current,
		tasks: (workspaceId?: string) => createTasksApi(request, context, current!, workspaceId ? { workspaceId } : undefined),
		workspaces: () => createWorkspacesApi(request, context, current!),
	}
}

describe('workspaces', () => {
	test('a scoped client calls /v1/workspaces/{id}/tasks; the list says the role; assignee=me', async () => {
		const ada = await sessionFor(await signedInRequest())
		const id = crypto.randomUUID()
		expect(await ada.workspaces().createWorkspace(id)).toEqual({ id, role: 'owner' })
		seen.length = 0
		const shared = ada.tasks(id)
		const task = await shared.createTask({ title: 'Shared', assigneeId: ada.current.user.id })
		expect(task).toMatchObject({ createdBy: ada.current.user.id, assigneeId: ada.current.user.id })
		await shared.updateTask(task.id, { completed: true })
		const list = await shared.listTasks({ assignee: 'me' })
		expect(list.role).toBe('owner')
		expect(list.items.map((item) => item.id)).toEqual([task.id])
		expect(await shared.clearCompleted()).toEqual({ deleted: 1, ids: [task.id] })
		expect((await shared.restoreTask(task.id)).id).toBe(task.id)
		await shared.deleteTask(task.id)
		expect(seen.map((entry) => `${entry.method} ${entry.url}`)).toEqual([
			`POST /v1/workspaces/${id}/tasks`,
			`PATCH /v1/workspaces/${id}/tasks/${task.id}`,
			`GET /v1/workspaces/${id}/tasks?assignee=me`,
			`DELETE /v1/workspaces/${id}/tasks?status=completed`,
			`POST /v1/workspaces/${id}/tasks/${task.id}/restore`,
			`DELETE /v1/workspaces/${id}/tasks/${task.id}`,
		])
		// The personal list is another list.
		expect((await ada.tasks().listTasks()).items).toEqual([])
		expect((await ada.tasks().listTasks()).role).toBeUndefined()
	})

	test('invite, accept with the email token, 403 as a viewer, 409 for the last owner, a stranger’s 404', async () => {
		const ada = await sessionFor(await signedInRequest())
		const grace = await sessionFor(await signedInRequest())
		const id = crypto.randomUUID()
		await ada.workspaces().createWorkspace(id)
		const invitationId = crypto.randomUUID()
		const expiresAt = new Date(Date.now() + 3_600_000)
		const invitation = await ada.workspaces().invite(id, { invitationId, email: grace.current.user.email, role: 'viewer', expiresAt })
		expect(invitation).toMatchObject({ id: invitationId, role: 'viewer', email: grace.current.user.email.toLowerCase() })

		// Grace's cached token carries no email: the API refuses it for an accept.
		seen.length = 0
		expect(await grace.workspaces().acceptInvitation(invitationId, grace.current.user.email)).toEqual({ workspaceId: id, role: 'viewer' })
		const acceptToken = seen.find((entry) => entry.url.endsWith('/accept'))!.authorization!.slice('Bearer '.length)
		const { decodeJwt } = await import('jose')
		const claims = decodeJwt(acceptToken)
		expect(claims).toMatchObject({
			sub: grace.current.user.id,
			email: grace.current.user.email,
			iss: BETTER_AUTH_URL,
			aud: 'taskwell-tasks-api',
		})
		expect(claims.exp! - claims.iat!).toBe(300)
		// Not cached: Grace's next call carries the usual token.
		await grace.workspaces().myWorkspaces()
		expect(seen.at(-1)!.authorization).not.toBe(`Bearer ${acceptToken}`)

		const shared = await ada.tasks(id).createTask({ title: 'Ada’s' })
		const refused = await grace
			.tasks(id)
			.updateTask(shared.id, { title: 'Grace’s' })
			.catch((error: unknown) => error)
		expect(refused).toBeInstanceOf(TasksApiForbiddenError)
		expect((refused as InstanceType<typeof TasksApiForbiddenError>).detail).toBe("Viewers can't change tasks in this workspace.")

		const lastOwner = await ada
			.workspaces()
			.removeMember(id, ada.current.user.id)
			.catch((error: unknown) => error)
		expect(lastOwner).toBeInstanceOf(TasksApiConflictError)
		expect((lastOwner as InstanceType<typeof TasksApiConflictError>).detail).toMatch(/at least one owner/)

		expect(await ada.workspaces().getWorkspace(id)).toEqual({ id, role: 'owner', members: 2 })
		expect((await ada.workspaces().listMembers(id)).members).toHaveLength(2)
		expect((await ada.workspaces().changeRole(id, grace.current.user.id, 'member')).role).toBe('member')
		expect(await ada.workspaces().transferOwnership(id, grace.current.user.id)).toEqual({ id, role: 'admin' })
		expect(await grace.workspaces().myWorkspaces()).toEqual({ workspaces: [{ id, role: 'owner' }] })

		const stranger = await sessionFor(await signedInRequest())
		const hidden = await stranger
			.tasks(id)
			.listTasks()
			.catch((error: unknown) => error)
		expect((hidden as Response).status).toBe(404)
		await grace.workspaces().deleteWorkspace(id)
		expect(
			(
				(await ada
					.workspaces()
					.getWorkspace(id)
					.catch((error: unknown) => error)) as Response
			).status,
		).toBe(404)
	})

	test('a 403’s detail is kept to 300 characters', () => {
		expect(new TasksApiForbiddenError('x'.repeat(400)).detail).toHaveLength(300)
	})
})
