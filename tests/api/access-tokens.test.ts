/**
 * Access-token JWTs (issue 26) over real HTTP on a real database: a JWT the
 * app exchanged for a personal access token or a CLI credential (it carries
 * `tid`) reaches only tasks, as its `scope` and `workspace` claims allow,
 * while the workspace's roles still apply; and once the app records the
 * access token's revocation (PUT /v1/me/access-tokens/{tokenId}/revocation),
 * every instance refuses JWTs with that `tid` within 1 s, even those minted
 * before.
 */
import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import {
	ACCESS_TOKEN_NO_READ_DETAIL,
	ACCESS_TOKEN_READ_ONLY_DETAIL,
	ACCESS_TOKEN_REVOKE_REFUSAL,
	ACCESS_TOKEN_REVOKE_SCOPE,
	ACCESS_TOKEN_REVOKED_DETAIL,
	ACCESS_TOKEN_ROUTE_DETAIL,
	ACCESS_TOKEN_WORKSPACE_DETAIL,
	accessTokenRevocationPath,
	TASKS_READ_SCOPE,
	TASKS_WRITE_SCOPE,
} from '#common/access-tokens-contract.ts'
import { ACCOUNT_DELETE_SCOPE, ACCOUNT_STATUS_SCOPE, ACCOUNT_SUSPENDED_DETAIL } from '#common/accounts-contract.ts'
import type { Task } from '#common/tasks-contract.ts'
import { taskRefusal } from '#common/workspace-roles.ts'
import { ACCOUNT_BLOCKS_MAX_AGE_MS } from '#server/auth/account-blocks.ts'
import { deleteExpiredRows } from '#server/cleanup.ts'
import { revokedAccessToken } from '#server/db/schema.ts'
import { call, signToken, startApi, startApiWithKey, type RunningApi } from './test-support.ts'
import { workspaceHelpers, type User } from './workspace-support.ts'

const { key, jwks, api } = await startApiWithKey()
const { newUser, workspaceWith, tasksPath, createTask } = workspaceHelpers(api, key)

const READ = TASKS_READ_SCOPE
const READ_WRITE = `${TASKS_READ_SCOPE} ${TASKS_WRITE_SCOPE}`
/** One snapshot age, and a little: timers may fire a millisecond early. */
const SNAPSHOT_AGE_MS = ACCOUNT_BLOCKS_MAX_AGE_MS + 10
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const sleepUntil = (at: number) => sleep(Math.max(0, at - performance.now()))

/** An access-token JWT for `user`, as the app mints it in exchange for a PAT or CLI credential. */
function accessToken(user: User, options: { scope?: string; workspace?: string; tid?: string } = {}) {
	const claims: Record<string, unknown> = {
		sub: user.sub,
		tid: options.tid ?? `pat-${crypto.randomUUID()}`,
		scope: options.scope ?? READ_WRITE,
	}
	if (options.workspace !== undefined) claims.workspace = options.workspace
	return signToken(key, claims)
}

/** The token the app mints to record a revocation. */
const revokeToken = (user: User, scope = ACCESS_TOKEN_REVOKE_SCOPE) => signToken(key, { sub: user.sub, scope, act: { sub: 'an-admin' } })

/** PUT the revocation of `tokenId` through `on`: 204. Returns when it answered (performance.now()). */
async function revoke(user: User, tokenId: string, on: RunningApi = api) {
	const response = await call(on, 'PUT', accessTokenRevocationPath(tokenId), { token: await revokeToken(user) })
	expect(response.status, await response.clone().text()).toBe(204)
	expect(await response.text()).toBe('')
	return performance.now()
}

async function expectProblem(response: Response, status: number, detail?: string) {
	expect(response.status, `${response.url}`).toBe(status)
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	const body = (await response.json()) as { status: number; detail?: string; errors?: Array<{ field: string; message: string }> }
	if (detail !== undefined) expect(body.detail).toBe(detail)
	return body
}

async function expectRevoked(response: Response) {
	expect(response.status).toBe(401)
	expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	expect(await response.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: ACCESS_TOKEN_REVOKED_DETAIL })
}

async function personalTask(user: User, title = 'Mine'): Promise<Task> {
	const response = await call(api, 'POST', '/v1/tasks', { token: user.token, body: { title } })
	expect(response.status).toBe(201)
	return (await response.json()) as Task
}

describe('scope', () => {
	test('tasks:read reads the personal tasks; every change is a 403, before its body is looked at', async () => {
		const user = await newUser()
		const task = await personalTask(user)
		const token = await accessToken(user, { scope: READ })
		const list = await call(api, 'GET', '/v1/tasks', { token })
		expect(list.status).toBe(200)
		expect(((await list.json()) as { items: Task[] }).items.map((item) => item.id)).toEqual([task.id])
		expect((await call(api, 'GET', `/v1/tasks/${task.id}`, { token })).status).toBe(200)
		expect((await call(api, 'HEAD', '/v1/tasks', { token })).status).toBe(200)
		for (const [method, path, body, headers] of [
			['POST', '/v1/tasks', { title: 'New' }, undefined],
			['POST', '/v1/tasks', { nonsense: true }, undefined],
			['POST', '/v1/tasks', '{', undefined],
			['POST', '/v1/tasks', 'x', { 'content-type': 'text/plain' }],
			['PATCH', `/v1/tasks/${task.id}`, { completed: true }, undefined],
			['PATCH', `/v1/tasks/${task.id}`, { title: '' }, undefined],
			['DELETE', `/v1/tasks/${task.id}`, undefined, undefined],
			['POST', `/v1/tasks/${task.id}/restore`, undefined, undefined],
			['DELETE', '/v1/tasks?status=completed', undefined, undefined],
		] as const) {
			await expectProblem(await call(api, method, path, { token, body, headers }), 403, ACCESS_TOKEN_READ_ONLY_DETAIL)
		}
		// Nothing changed.
		const after = await call(api, 'GET', `/v1/tasks/${task.id}`, { token: user.token })
		expect(await after.json()).toEqual(task)
	})

	test('tasks:read tasks:write creates, edits, completes, deletes and restores', async () => {
		const user = await newUser()
		const token = await accessToken(user, { scope: READ_WRITE })
		const created = await call(api, 'POST', '/v1/tasks', { token, body: { title: 'From the CLI' } })
		expect(created.status).toBe(201)
		const task = (await created.json()) as Task
		const patched = await call(api, 'PATCH', `/v1/tasks/${task.id}`, { token, body: { title: 'Renamed', priority: 'high' } })
		expect(patched.status).toBe(200)
		expect(await patched.json()).toMatchObject({ title: 'Renamed', priority: 'high' })
		const done = await call(api, 'PATCH', `/v1/tasks/${task.id}`, { token, body: { completed: true } })
		expect(((await done.json()) as Task).completed).toBe(true)
		expect((await call(api, 'DELETE', `/v1/tasks/${task.id}`, { token })).status).toBe(204)
		expect((await call(api, 'POST', `/v1/tasks/${task.id}/restore`, { token })).status).toBe(200)
		const cleared = await call(api, 'DELETE', '/v1/tasks?status=completed', { token })
		expect(await cleared.json()).toEqual({ deleted: 1, ids: [task.id] })
		// The session sees what the access token did: it is the same account.
		const list = (await (await call(api, 'GET', '/v1/tasks', { token: user.token })).json()) as { counts: unknown }
		expect(list.counts).toEqual({ all: 0, active: 0, completed: 0 })
		// Validation still answers once the scope allows the change.
		await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body: { nonsense: true } }), 422)
	})

	test('a scope without tasks:read reads nothing; an unknown or missing scope grants nothing', async () => {
		const user = await newUser()
		const writeOnly = await accessToken(user, { scope: TASKS_WRITE_SCOPE })
		await expectProblem(await call(api, 'GET', '/v1/tasks', { token: writeOnly }), 403, ACCESS_TOKEN_NO_READ_DETAIL)
		for (const scope of ['tasks', 'tasks:read:all', 'tasks:writes', '']) {
			const token = await accessToken(user, { scope })
			await expectProblem(await call(api, 'GET', '/v1/tasks', { token }), 403, ACCESS_TOKEN_NO_READ_DETAIL)
			await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body: { title: 'x' } }), 403, ACCESS_TOKEN_READ_ONLY_DETAIL)
		}
		const noScope = await signToken(key, { sub: user.sub, tid: 'pat-no-scope' })
		await expectProblem(await call(api, 'GET', '/v1/tasks', { token: noScope }), 403, ACCESS_TOKEN_NO_READ_DETAIL)
	})
})

describe('routes', () => {
	test('nothing but tasks: the account, the workspace list, workspaces and invitations are refused, whatever the scope', async () => {
		const user = await newUser()
		const space = await workspaceWith({})
		const everything = `${READ_WRITE} ${ACCOUNT_STATUS_SCOPE} ${ACCOUNT_DELETE_SCOPE} ${ACCESS_TOKEN_REVOKE_SCOPE}`
		const token = await accessToken(user, { scope: everything })
		for (const [method, path, body] of [
			['PUT', '/v1/me/status', { suspendedUntil: 'forever' }],
			['DELETE', '/v1/me/tasks', undefined],
			['GET', '/v1/me/workspaces', undefined],
			['POST', '/v1/workspaces', { id: crypto.randomUUID() }],
			['DELETE', `/v1/workspaces/${space.id}`, undefined],
			['POST', `/v1/invitations/${crypto.randomUUID()}/accept`, undefined],
			['PUT', accessTokenRevocationPath('pat-other'), undefined],
			['GET', '/v1/nothing-here', undefined],
		] as const) {
			await expectProblem(await call(api, method, path, { token, body }), 403, ACCESS_TOKEN_ROUTE_DETAIL)
		}
		// The account is neither suspended nor deleted, and no revocation was recorded.
		expect((await call(api, 'GET', '/v1/tasks', { token: user.token })).status).toBe(200)
		const rows = await api.database.db.select().from(revokedAccessToken).where(eq(revokedAccessToken.tokenId, 'pat-other'))
		expect(rows).toEqual([])
		// A wrong method is still a 405 (before any token check).
		expect((await call(api, 'GET', '/v1/me/status', { token })).status).toBe(405)
	})

	test('a workspace claim reaches that workspace’s tasks and the workspace itself, nothing else', async () => {
		const space = await workspaceWith({ member: 'member' })
		const elsewhere = await workspaceWith({})
		const shared = await createTask(space.id, space.owner)
		const token = await accessToken(space.member, { workspace: space.id })

		const list = await call(api, 'GET', tasksPath(space.id), { token })
		expect(list.status).toBe(200)
		expect(await list.json()).toMatchObject({ role: 'member', items: [{ id: shared.id }] })
		expect((await call(api, 'GET', tasksPath(space.id, `/${shared.id}`), { token })).status).toBe(200)
		const created = await call(api, 'POST', tasksPath(space.id), { token, body: { title: 'From a script' } })
		expect(created.status).toBe(201)
		const mine = (await created.json()) as Task
		expect((await call(api, 'PATCH', tasksPath(space.id, `/${shared.id}`), { token, body: { completed: true } })).status).toBe(200)
		expect((await call(api, 'DELETE', tasksPath(space.id, `/${mine.id}`), { token })).status).toBe(204)
		expect((await call(api, 'GET', `/v1/workspaces/${space.id}`, { token })).status).toBe(200)

		// Personal tasks, another workspace (even one the user belongs to): not what it was issued for.
		const own = await createTask(elsewhere.id, elsewhere.owner)
		const ownersToken = await accessToken(elsewhere.owner, { workspace: space.id })
		for (const [user, path] of [
			[space.member, '/v1/tasks'],
			[space.member, `/v1/tasks/${shared.id}`],
			[elsewhere.owner, '/v1/tasks'],
			[elsewhere.owner, tasksPath(elsewhere.id)],
			[elsewhere.owner, tasksPath(elsewhere.id, `/${own.id}`)],
			[elsewhere.owner, `/v1/workspaces/${elsewhere.id}`],
		] as const) {
			const used = user === space.member ? token : ownersToken
			await expectProblem(await call(api, 'GET', path, { token: used }), 403, ACCESS_TOKEN_WORKSPACE_DETAIL)
		}
		await expectProblem(await call(api, 'POST', '/v1/tasks', { token, body: { title: 'x' } }), 403, ACCESS_TOKEN_WORKSPACE_DETAIL)
		// The workspace's people and the workspace itself are not tasks.
		for (const [method, path, body] of [
			['GET', `/v1/workspaces/${space.id}/members`, undefined],
			['DELETE', `/v1/workspaces/${space.id}`, undefined],
			['PUT', `/v1/workspaces/${space.id}/invitations/${crypto.randomUUID()}`, { email: 'a@example.com', role: 'member' }],
			['DELETE', `/v1/workspaces/${space.id}/members/${space.member.sub}`, undefined],
			['POST', `/v1/workspaces/${space.id}/transfer`, { userId: space.owner.sub }],
			['GET', '/v1/me/workspaces', undefined],
		] as const) {
			await expectProblem(await call(api, method, path, { token, body }), 403, ACCESS_TOKEN_ROUTE_DETAIL)
		}

		// Without a workspace claim, a workspace's tasks are out of reach.
		const personal = await accessToken(space.member)
		await expectProblem(await call(api, 'GET', tasksPath(space.id), { token: personal }), 403, ACCESS_TOKEN_WORKSPACE_DETAIL)
		await expectProblem(await call(api, 'GET', `/v1/workspaces/${space.id}`, { token: personal }), 403, ACCESS_TOKEN_WORKSPACE_DETAIL)
	})

	test('the workspace’s roles still apply, at the time of each request: a viewer reads only, an outsider gets 404', async () => {
		const space = await workspaceWith({ viewer: 'viewer', member: 'member' })
		const shared = await createTask(space.id, space.owner)
		const viewer = await accessToken(space.viewer, { workspace: space.id })
		expect((await call(api, 'GET', tasksPath(space.id), { token: viewer })).status).toBe(200)
		const refused = await call(api, 'POST', tasksPath(space.id), { token: viewer, body: { title: 'x' } })
		await expectProblem(refused, 403, taskRefusal('viewer', 'create'))
		await expectProblem(
			await call(api, 'PATCH', tasksPath(space.id, `/${shared.id}`), { token: viewer, body: { title: 'y' } }),
			403,
			taskRefusal('viewer', 'update'),
		)
		// A member deletes only their own tasks, whatever the token's scope.
		const member = await accessToken(space.member, { workspace: space.id })
		await expectProblem(
			await call(api, 'DELETE', tasksPath(space.id, `/${shared.id}`), { token: member }),
			403,
			taskRefusal('member', 'delete'),
		)

		// Removed from the workspace: the same token now finds nothing there.
		const removed = await call(api, 'DELETE', `/v1/workspaces/${space.id}/members/${space.member.sub}`, { token: space.owner.token })
		expect(removed.status).toBe(204)
		await expectProblem(await call(api, 'GET', tasksPath(space.id), { token: member }), 404)
		await expectProblem(await call(api, 'GET', `/v1/workspaces/${space.id}`, { token: member }), 404)
		const outsider = await newUser()
		const claimed = await accessToken(outsider, { workspace: space.id })
		await expectProblem(await call(api, 'GET', tasksPath(space.id, `/${shared.id}`), { token: claimed }), 404)
	})

	test('a JWT without tid is not limited: a workspace claim alone changes nothing', async () => {
		const user = await newUser()
		const space = await workspaceWith({})
		const token = await signToken(key, { sub: user.sub, workspace: space.id, scope: READ })
		expect((await call(api, 'POST', '/v1/tasks', { token, body: { title: 'Session' } })).status).toBe(201)
		expect((await call(api, 'GET', '/v1/me/workspaces', { token })).status).toBe(200)
	})

	test('the request log line names the access token (its id), never the JWT', async () => {
		const user = await newUser()
		const tid = `pat-${crypto.randomUUID()}`
		const token = await accessToken(user, { tid, scope: READ })
		await call(api, 'GET', '/v1/tasks', { token, headers: { 'x-request-id': `tid-${tid}` } })
		await call(api, 'POST', '/v1/tasks', { token, body: { title: 'x' }, headers: { 'x-request-id': `tid-refused-${tid}` } })
		await call(api, 'GET', '/v1/tasks', { token: user.token, headers: { 'x-request-id': `session-${tid}` } })
		expect(api.logs.find((line) => line.requestId === `tid-${tid}`)).toMatchObject({ userId: user.sub, tokenId: tid, status: 200 })
		expect(api.logs.find((line) => line.requestId === `tid-refused-${tid}`)).toMatchObject({ tokenId: tid, status: 403 })
		expect(api.logs.find((line) => line.requestId === `session-${tid}`)).not.toHaveProperty('tokenId')
		const text = JSON.stringify(api.logs)
		for (const part of token.split('.')) expect(text).not.toContain(part)
	})
})

describe('revocation', () => {
	test('a JWT minted before the revocation is refused within 1 s by another instance; other tokens are not', async () => {
		const other = await startApi({ jwksUrl: jwks.url, sharing: api })
		try {
			const user = await newUser()
			const tid = `pat-${crypto.randomUUID()}`
			const before = await accessToken(user, { tid })
			const sibling = await accessToken(user)
			expect((await call(other, 'GET', '/v1/tasks', { token: before })).status).toBe(200)

			const revoked = await revoke(user, tid, api)
			for (;;) {
				const sentAfter = performance.now() - revoked
				const response = await call(other, 'GET', '/v1/tasks', { token: before })
				if (response.status === 401) {
					await expectRevoked(response)
					break
				}
				expect(response.status).toBe(200)
				expect(sentAfter, 'a request sent 1 s after the revocation was let through').toBeLessThan(1_000)
				await sleep(20)
			}
			// From one snapshot age on, on every instance and route, whatever the scope; a JWT minted now as well.
			await sleepUntil(revoked + SNAPSHOT_AGE_MS)
			const minted = await accessToken(user, { tid, scope: READ })
			for (const on of [api, other]) {
				await expectRevoked(await call(on, 'GET', '/v1/tasks', { token: before }))
				await expectRevoked(await call(on, 'POST', '/v1/tasks', { token: before, body: { title: 'x' } }))
				await expectRevoked(await call(on, 'PUT', '/v1/me/status', { token: before, body: { suspendedUntil: null } }))
				await expectRevoked(await call(on, 'GET', '/v1/tasks', { token: minted }))
				// The account's other access tokens and its session are not affected.
				expect((await call(on, 'GET', '/v1/tasks', { token: sibling })).status).toBe(200)
				expect((await call(on, 'GET', '/v1/tasks', { token: user.token })).status).toBe(200)
			}
			expect(other.logs.findLast((line) => line.tokenId === tid)).toMatchObject({ status: 401, userId: user.sub })
		} finally {
			await other.close()
		}
	})

	test('idempotent: a repeat answers 204 and keeps the first revocation; any id of 1–255 characters, encoded in the path', async () => {
		const user = await newUser()
		const tid = `pat-${crypto.randomUUID()}`
		await revoke(user, tid)
		const [first] = await api.database.db.select().from(revokedAccessToken).where(eq(revokedAccessToken.tokenId, tid))
		expect(first).toMatchObject({ tokenId: tid, userId: user.sub })
		await sleep(20)
		await revoke(user, tid)
		// Even through another account's revoking token (the app's), the first row stays as it was.
		await revoke(await newUser(), tid)
		expect(await api.database.db.select().from(revokedAccessToken).where(eq(revokedAccessToken.tokenId, tid))).toEqual([first])

		const odd = 'a/b c?d#%41%é'
		const longest = 'x'.repeat(255)
		await revoke(user, odd)
		await revoke(user, longest)
		const rows = await api.database.db
			.select({ tokenId: revokedAccessToken.tokenId })
			.from(revokedAccessToken)
			.where(inArray(revokedAccessToken.tokenId, [odd, longest]))
		expect(rows.map((row) => row.tokenId).sort()).toEqual([odd, longest].sort())
		const response = await call(api, 'PUT', accessTokenRevocationPath('x'.repeat(256)), { token: await revokeToken(user) })
		expect((await expectProblem(response, 422)).errors).toEqual([{ field: 'tokenId', message: expect.any(String) }])
		await sleep(SNAPSHOT_AGE_MS)
		await expectRevoked(await call(api, 'GET', '/v1/tasks', { token: await accessToken(user, { tid: odd }) }))
	})

	test('only a token whose scope holds access-tokens:revoke may record one, never an access-token JWT', async () => {
		const user = await newUser()
		const tid = `pat-${crypto.randomUUID()}`
		const path = accessTokenRevocationPath(tid)
		await expectProblem(await call(api, 'PUT', path, { token: user.token }), 403, ACCESS_TOKEN_REVOKE_REFUSAL)
		for (const scope of ['access-tokens', 'access-tokens:revoke:all', ACCOUNT_STATUS_SCOPE, READ_WRITE, '']) {
			const response = await call(api, 'PUT', path, { token: await revokeToken(user, scope) })
			await expectProblem(response, 403, ACCESS_TOKEN_REVOKE_REFUSAL)
		}
		// Before the path is looked at: a malformed id is a 403 too.
		await expectProblem(
			await call(api, 'PUT', accessTokenRevocationPath('x'.repeat(300)), { token: user.token }),
			403,
			ACCESS_TOKEN_REVOKE_REFUSAL,
		)
		// Not even with the scope, from an access-token JWT (its own id or another's).
		const withScope = await accessToken(user, { tid, scope: `${READ_WRITE} ${ACCESS_TOKEN_REVOKE_SCOPE}` })
		await expectProblem(await call(api, 'PUT', path, { token: withScope }), 403, ACCESS_TOKEN_ROUTE_DETAIL)
		// One scope among others is enough.
		const among = await call(api, 'PUT', accessTokenRevocationPath(`${tid}-2`), {
			token: await revokeToken(user, `openid ${ACCESS_TOKEN_REVOKE_SCOPE}`),
		})
		expect(among.status).toBe(204)
		expect(await api.database.db.select().from(revokedAccessToken).where(eq(revokedAccessToken.tokenId, tid))).toEqual([])
		// No token: 401; another method: 405.
		const anonymous = await call(api, 'PUT', path)
		await expectProblem(anonymous, 401)
		expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
		for (const method of ['GET', 'POST', 'DELETE']) {
			const response = await call(api, method, path, { token: await revokeToken(user) })
			await expectProblem(response, 405)
			expect(response.headers.get('allow')).toBe('PUT')
		}
	})

	test('a suspended account: the revocation is recorded, and the revoked token says so, before and after the lift', async () => {
		const user = await newUser()
		const tid = `pat-${crypto.randomUUID()}`
		const token = await accessToken(user, { tid })
		const statusToken = await signToken(key, { sub: user.sub, scope: ACCOUNT_STATUS_SCOPE })
		const suspend = await call(api, 'PUT', '/v1/me/status', { token: statusToken, body: { suspendedUntil: 'forever' } })
		expect(suspend.status).toBe(204)
		await sleep(SNAPSHOT_AGE_MS)
		await expectProblem(await call(api, 'GET', '/v1/tasks', { token }), 401, ACCOUNT_SUSPENDED_DETAIL)
		// A suspension does not stop the revocation; a plain token of the suspended account still may not call it.
		await expectProblem(await call(api, 'PUT', accessTokenRevocationPath(tid), { token: user.token }), 401, ACCOUNT_SUSPENDED_DETAIL)
		const revoked = await revoke(user, tid)
		await sleepUntil(revoked + SNAPSHOT_AGE_MS)
		await expectRevoked(await call(api, 'GET', '/v1/tasks', { token }))
		// Another access token of the account: suspended.
		await expectProblem(await call(api, 'GET', '/v1/tasks', { token: await accessToken(user) }), 401, ACCOUNT_SUSPENDED_DETAIL)
		const lift = await call(api, 'PUT', '/v1/me/status', { token: statusToken, body: { suspendedUntil: null } })
		expect(lift.status).toBe(204)
		await sleep(SNAPSHOT_AGE_MS)
		await expectRevoked(await call(api, 'GET', '/v1/tasks', { token }))
	})

	test('the revocations cannot be read: 503 with Retry-After, never let through', async () => {
		const user = await newUser()
		const token = await accessToken(user)
		const broken = await startApi({ jwksUrl: jwks.url, sharing: api })
		await api.database.db.execute(sql`alter table revoked_access_token rename to revoked_access_token_away`)
		try {
			const response = await call(broken, 'GET', '/v1/tasks', { token })
			const body = await expectProblem(response, 503)
			expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
			expect(JSON.stringify(body)).not.toMatch(/revoked|relation|select/i)
		} finally {
			await api.database.db.execute(sql`alter table revoked_access_token_away rename to revoked_access_token`)
		}
		expect((await call(broken, 'GET', '/v1/tasks', { token })).status).toBe(200)
		await broken.close()
	})

	test('the OpenAPI document describes the route', async () => {
		const document = (await (await call(api, 'GET', '/openapi.json')).json()) as {
			paths: Record<
				string,
				Record<string, { responses: Record<string, unknown>; security?: unknown; parameters?: Array<{ name: string }> }>
			>
		}
		const path = document.paths['/v1/me/access-tokens/{tokenId}/revocation']!
		expect(Object.keys(path)).toEqual(['put'])
		expect(Object.keys(path.put!.responses).sort()).toEqual(['204', '401', '403', '422', '503'])
		expect(path.put!.security).toEqual([{ bearerAuth: [] }])
		expect(path.put!.parameters?.map((parameter) => parameter.name)).toEqual(['tokenId'])
	})
})

describe('cleanup', () => {
	test('deletes the revocations older than a day, keeps the others (they no longer refuse anything either)', async () => {
		const db = api.database.db
		const id = (name: string) => `cleanup-${name}-${crypto.randomUUID()}`
		const gone = [id('two-days'), id('a-day-and-a-minute')]
		const kept = [id('an-hour'), id('now')]
		await db.insert(revokedAccessToken).values([
			{ tokenId: gone[0]!, userId: 'u', revokedAt: sql`now() - interval '2 days'` },
			{ tokenId: gone[1]!, userId: 'u', revokedAt: sql`now() - interval '1 day 1 minute'` },
			{ tokenId: kept[0]!, userId: 'u', revokedAt: sql`now() - interval '1 hour'` },
			{ tokenId: kept[1]!, userId: 'u' },
		])
		const counts = (await deleteExpiredRows(db))?.counts
		expect(counts?.revokedAccessTokens).toBeGreaterThanOrEqual(2)
		const left = await db
			.select({ tokenId: revokedAccessToken.tokenId })
			.from(revokedAccessToken)
			.where(inArray(revokedAccessToken.tokenId, [...gone, ...kept]))
		expect(left.map((row) => row.tokenId).sort()).toEqual(kept.sort())
	})
})
