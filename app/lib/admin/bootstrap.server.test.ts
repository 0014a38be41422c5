/**
 * The ADMIN_EMAILS bootstrap on a real fresh database (embedded, or its own
 * Postgres database with DATABASE_URL, where the two calls at once really
 * race on two connections): only a verified listed address is promoted,
 * once, with one audit row; the list never demotes.
 */
import { eq } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { database, db } from '#app/lib/db.server.ts'
import { adminAudit, user } from '#app/lib/db/schema.ts'
import { promoteListedAdmin } from './bootstrap.server.ts'

onTestDatabaseTeardown(() => database.close())

const LIST = ['boss@example.com', 'second@example.com']

const roleOf = async (id: string) => (await db.select({ role: user.role }).from(user).where(eq(user.id, id)))[0]?.role
const auditOf = (id: string) => db.select().from(adminAudit).where(eq(adminAudit.targetId, id))

test('a listed address, unverified: not promoted; verified: promoted once, with one audit row', async () => {
	await db.insert(user).values({ id: 'u-boss', name: 'Boss', email: 'boss@example.com', emailVerified: false })

	expect(await promoteListedAdmin('u-boss', LIST)).toBe(false)
	expect(await roleOf('u-boss')).toBe('user')
	expect(await auditOf('u-boss')).toEqual([])

	await db.update(user).set({ emailVerified: true }).where(eq(user.id, 'u-boss'))
	expect(await promoteListedAdmin('u-boss', LIST)).toBe(true)
	expect(await roleOf('u-boss')).toBe('admin')
	const audit = await auditOf('u-boss')
	expect(audit).toHaveLength(1)
	expect(audit[0]).toMatchObject({
		actorId: null,
		actorLabel: 'ADMIN_EMAILS',
		action: 'role-granted',
		targetId: 'u-boss',
		targetEmail: 'boss@example.com',
		reason: 'listed in ADMIN_EMAILS',
	})

	// The next sign-in: already an admin, nothing written.
	expect(await promoteListedAdmin('u-boss', LIST)).toBe(false)
	expect(await auditOf('u-boss')).toHaveLength(1)
})

test('two sign-ins at once (two instances): one promotion, one audit row', async () => {
	await db.insert(user).values({ id: 'u-second', name: 'Second', email: 'second@example.com', emailVerified: true })
	const results = await Promise.all([promoteListedAdmin('u-second', LIST), promoteListedAdmin('u-second', LIST)])
	expect(results.filter(Boolean)).toHaveLength(1)
	expect(await roleOf('u-second')).toBe('admin')
	expect(await auditOf('u-second')).toHaveLength(1)
})

test('compared without case, either side', async () => {
	await db.insert(user).values({ id: 'u-mixed', name: 'Mixed', email: 'Mixed.Case@Example.com', emailVerified: true })
	expect(await promoteListedAdmin('u-mixed', [' MIXED.case@example.COM '])).toBe(true)
	expect(await roleOf('u-mixed')).toBe('admin')
})

test('not listed, an empty list, an unknown id: no; an admin who is no longer listed stays one', async () => {
	await db.insert(user).values([
		{ id: 'u-other', name: 'Other', email: 'other@example.com', emailVerified: true },
		{ id: 'u-admin', name: 'Admin', email: 'admin@example.com', emailVerified: true, role: 'admin' },
	])
	expect(await promoteListedAdmin('u-other', LIST)).toBe(false)
	expect(await promoteListedAdmin('u-other', [])).toBe(false)
	expect(await promoteListedAdmin('no-such-user', LIST)).toBe(false)
	expect(await roleOf('u-other')).toBe('user')

	expect(await promoteListedAdmin('u-admin', LIST)).toBe(false)
	expect(await roleOf('u-admin')).toBe('admin')
	expect(await auditOf('u-other')).toEqual([])
	expect(await auditOf('u-admin')).toEqual([])
})
