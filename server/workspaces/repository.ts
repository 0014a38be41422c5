/**
 * Workspace membership: the API's own copy (it never reads the app's
 * tables), changed only here. Every change runs in a transaction that first
 * locks the workspace row (SELECT … FOR UPDATE) and reads the caller's role
 * under that lock, so the checks that span rows — at least one owner, at
 * most WORKSPACE_MAX_MEMBERS members and invitations — hold however many
 * requests race (two owners demoting each other: the second one waits, then
 * sees it would be the last owner).
 *
 * Refusals are thrown as ProblemErrors (403, 404, 409, 422) with the
 * sentences of common/workspace-roles.ts.
 */
import { and, asc, count, eq, gt, inArray, ne, sql } from 'drizzle-orm'
import type { InvitationInput, WorkspaceDetails, WorkspaceMembers } from '#common/workspaces-contract.ts'
import { LAST_OWNER_REFUSAL, memberPermissions, memberRefusal, WORKSPACE_ROLES, type WorkspaceRole } from '#common/workspace-roles.ts'
import { task, taskCount, workspace, workspaceInvitation, workspaceMember } from '#server/db/schema.ts'
import { invalidFields, notFound, ProblemError } from '#server/problem.ts'
import type { TasksTx, WorkspaceLimits } from '#server/tasks/limits.ts'
import type { TasksDb } from '#server/tasks/repository.ts'
import { workspaceNotFound } from './access.ts'

/** Higher first: the order roles rank in. */
const RANK: Record<WorkspaceRole, number> = Object.fromEntries(
	WORKSPACE_ROLES.map((role, index) => [role, WORKSPACE_ROLES.length - index]),
) as Record<WorkspaceRole, number>

const formatNumber = (value: number) => value.toLocaleString('en-US')

function forbidden(role: WorkspaceRole): ProblemError {
	return new ProblemError(403, memberRefusal(role))
}

function lastOwner(): ProblemError {
	return new ProblemError(409, LAST_OWNER_REFUSAL)
}

function memberLimitReached(limit: number): ProblemError {
	const message = `This workspace has reached its limit of ${formatNumber(limit)} members.`
	return new ProblemError(422, message, { errors: [{ field: '', message }] })
}

/**
 * Locks the workspace row for the rest of the transaction and answers the
 * user's role in it (404 when the workspace is unknown or they are not a member).
 */
async function lockAsMember(tx: TasksTx, workspaceId: string, userId: string): Promise<WorkspaceRole> {
	const [locked] = await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.id, workspaceId)).for('update')
	if (!locked) throw workspaceNotFound()
	const role = await memberRole(tx, workspaceId, userId)
	if (!role) throw workspaceNotFound()
	return role
}

async function memberRole(tx: TasksTx, workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
	const [row] = await tx
		.select({ role: workspaceMember.role })
		.from(workspaceMember)
		.where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.userId, userId)))
	return row?.role ?? null
}

async function ownerCount(tx: TasksTx, workspaceId: string): Promise<number> {
	const [row] = await tx
		.select({ n: count() })
		.from(workspaceMember)
		.where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.role, 'owner')))
	return Number(row?.n ?? 0)
}

/** Members plus pending (unexpired) invitations, except the invitation `exceptInvitation` (being replaced or accepted). */
async function seatsTaken(tx: TasksTx, workspaceId: string, exceptInvitation: string): Promise<number> {
	const [members] = await tx.select({ n: count() }).from(workspaceMember).where(eq(workspaceMember.workspaceId, workspaceId))
	const [invitations] = await tx
		.select({ n: count() })
		.from(workspaceInvitation)
		.where(
			and(
				eq(workspaceInvitation.workspaceId, workspaceId),
				gt(workspaceInvitation.expiresAt, sql`now()`),
				ne(workspaceInvitation.id, exceptInvitation),
			),
		)
	return Number(members?.n ?? 0) + Number(invitations?.n ?? 0)
}

/** A member's assigned tasks in the workspace lose their assignee when they leave. */
async function unassign(tx: TasksTx, workspaceIds: string[], userId: string): Promise<void> {
	if (workspaceIds.length === 0) return
	await tx
		.update(task)
		.set({ assigneeId: null, updatedAt: sql`now()` })
		.where(and(inArray(task.workspaceId, workspaceIds), eq(task.assigneeId, userId)))
}

/** POST /v1/workspaces: the caller becomes its owner. */
export async function createWorkspace(db: TasksDb, id: string, userId: string, limits: WorkspaceLimits): Promise<void> {
	await db.transaction(async (tx) => {
		// One account's creates run one at a time, so two at once cannot pass the limit together.
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`workspace-create:${userId}`}))`)
		const [mine] = await tx.select({ n: count() }).from(workspaceMember).where(eq(workspaceMember.userId, userId))
		if (Number(mine?.n ?? 0) >= limits.perAccount) {
			const message = `You can belong to at most ${formatNumber(limits.perAccount)} workspaces.`
			throw new ProblemError(422, message, { errors: [{ field: '', message }] })
		}
		const created = await tx.insert(workspace).values({ id }).onConflictDoNothing().returning({ id: workspace.id })
		if (created.length === 0) throw new ProblemError(409, 'A workspace with this id exists already.')
		await tx.insert(workspaceMember).values({ workspaceId: id, userId, role: 'owner' })
	})
}

/** GET /v1/workspaces/{id}: `role` was read by the membership middleware for this request. */
export async function getWorkspace(db: TasksDb, id: string, role: WorkspaceRole): Promise<WorkspaceDetails> {
	const [row] = await db.select({ n: count() }).from(workspaceMember).where(eq(workspaceMember.workspaceId, id))
	return { id, role, members: Number(row?.n ?? 0) }
}

export async function listMembers(db: TasksDb, id: string): Promise<WorkspaceMembers> {
	const [members, invitations] = await Promise.all([
		db
			.select({ userId: workspaceMember.userId, role: workspaceMember.role, createdAt: workspaceMember.createdAt })
			.from(workspaceMember)
			.where(eq(workspaceMember.workspaceId, id))
			.orderBy(asc(workspaceMember.createdAt), asc(workspaceMember.userId)),
		db
			.select({
				id: workspaceInvitation.id,
				email: workspaceInvitation.email,
				role: workspaceInvitation.role,
				expiresAt: workspaceInvitation.expiresAt,
			})
			.from(workspaceInvitation)
			.where(and(eq(workspaceInvitation.workspaceId, id), gt(workspaceInvitation.expiresAt, sql`now()`)))
			.orderBy(asc(workspaceInvitation.expiresAt), asc(workspaceInvitation.id)),
	])
	return {
		members: members.map((member) => ({ ...member, createdAt: member.createdAt.toISOString() })),
		invitations: invitations.map((invitation) => ({ ...invitation, expiresAt: invitation.expiresAt.toISOString() })),
	}
}

/** PUT …/invitations/{invitationId}: creates or replaces it (the same id again changes nothing else). */
export async function putInvitation(
	db: TasksDb,
	workspaceId: string,
	invitationId: string,
	userId: string,
	input: InvitationInput,
	limits: WorkspaceLimits,
) {
	return db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		if (!memberPermissions.invite(role, input.role)) throw forbidden(role)
		if ((await seatsTaken(tx, workspaceId, invitationId)) >= limits.maxMembers) throw memberLimitReached(limits.maxMembers)
		const values = { email: input.email.toLowerCase(), role: input.role, invitedBy: userId, expiresAt: new Date(input.expiresAt) }
		const [saved] = await tx
			.insert(workspaceInvitation)
			.values({ id: invitationId, workspaceId, ...values })
			.onConflictDoUpdate({
				target: workspaceInvitation.id,
				set: values,
				// An id another workspace uses is not this workspace's to change.
				setWhere: eq(workspaceInvitation.workspaceId, workspaceId),
			})
			.returning({
				id: workspaceInvitation.id,
				email: workspaceInvitation.email,
				role: workspaceInvitation.role,
				expiresAt: workspaceInvitation.expiresAt,
			})
		if (!saved) throw new ProblemError(409, 'This invitation id is in use elsewhere.')
		return { ...saved, expiresAt: saved.expiresAt.toISOString() }
	})
}

export async function revokeInvitation(db: TasksDb, workspaceId: string, invitationId: string, userId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		if (role !== 'owner' && role !== 'admin') throw forbidden(role)
		const gone = await tx
			.delete(workspaceInvitation)
			.where(and(eq(workspaceInvitation.id, invitationId), eq(workspaceInvitation.workspaceId, workspaceId)))
			.returning({ id: workspaceInvitation.id })
		if (gone.length === 0) throw notFound('No such invitation.')
	})
}

export const OTHER_EMAIL_REFUSAL = 'This invitation is for another email address.'

/**
 * POST /v1/invitations/{id}/accept with the caller's verified email claim.
 * Someone already a member keeps their membership as it is; the invitation
 * is used up either way.
 */
export async function acceptInvitation(
	db: TasksDb,
	invitationId: string,
	userId: string,
	email: string | undefined,
	limits: WorkspaceLimits,
): Promise<{ workspaceId: string; role: WorkspaceRole }> {
	const unknown = () => notFound('No such invitation, or it has expired.')
	return db.transaction(async (tx) => {
		const [found] = await tx
			.select({ workspaceId: workspaceInvitation.workspaceId })
			.from(workspaceInvitation)
			.where(eq(workspaceInvitation.id, invitationId))
		if (!found) throw unknown()
		// The workspace first, then the invitation again under its lock (a concurrent accept or revoke went first).
		await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.id, found.workspaceId)).for('update')
		const [invitation] = await tx
			.select()
			.from(workspaceInvitation)
			.where(and(eq(workspaceInvitation.id, invitationId), gt(workspaceInvitation.expiresAt, sql`now()`)))
		if (!invitation) throw unknown()
		if (email === undefined || email.toLowerCase() !== invitation.email) throw new ProblemError(403, OTHER_EMAIL_REFUSAL)
		const existing = await memberRole(tx, invitation.workspaceId, userId)
		if (!existing && (await seatsTaken(tx, invitation.workspaceId, invitationId)) >= limits.maxMembers) {
			throw memberLimitReached(limits.maxMembers)
		}
		await tx.delete(workspaceInvitation).where(eq(workspaceInvitation.id, invitationId))
		if (existing) return { workspaceId: invitation.workspaceId, role: existing }
		await tx.insert(workspaceMember).values({ workspaceId: invitation.workspaceId, userId, role: invitation.role })
		return { workspaceId: invitation.workspaceId, role: invitation.role }
	})
}

/**
 * PUT …/members/{userId}: someone else's role (memberPermissions.changeRole),
 * or the caller's own, only downward (and never the last owner's).
 */
export async function changeRole(db: TasksDb, workspaceId: string, userId: string, targetId: string, to: WorkspaceRole) {
	return db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		const from = targetId === userId ? role : await memberRole(tx, workspaceId, targetId)
		if (!from) throw notFound('No such member.')
		if (targetId === userId) {
			if (RANK[to] > RANK[from]) throw forbidden(role)
		} else if (!memberPermissions.changeRole(role, from, to)) {
			throw forbidden(role)
		}
		if (from === 'owner' && to !== 'owner' && (await ownerCount(tx, workspaceId)) <= 1) throw lastOwner()
		const [updated] = await tx
			.update(workspaceMember)
			.set({ role: to })
			.where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.userId, targetId)))
			.returning({ userId: workspaceMember.userId, role: workspaceMember.role, createdAt: workspaceMember.createdAt })
		return { ...updated!, createdAt: updated!.createdAt.toISOString() }
	})
}

/** POST …/transfer: the target becomes an owner and the caller (an owner) an admin, together. */
export async function transferOwnership(db: TasksDb, workspaceId: string, userId: string, targetId: string) {
	return db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		if (!memberPermissions.manageWorkspace(role)) throw forbidden(role)
		if (!(await memberRole(tx, workspaceId, targetId))) throw notFound('No such member.')
		if (targetId === userId) return { id: workspaceId, role }
		await tx
			.update(workspaceMember)
			.set({ role: sql`case when ${workspaceMember.userId} = ${targetId} then 'owner' else 'admin' end` })
			.where(and(eq(workspaceMember.workspaceId, workspaceId), inArray(workspaceMember.userId, [targetId, userId])))
		return { id: workspaceId, role: 'admin' as const }
	})
}

/** DELETE …/members/{userId}: remove someone (memberPermissions.remove), or leave (any role but the last owner). */
export async function removeMember(db: TasksDb, workspaceId: string, userId: string, targetId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		const target = targetId === userId ? role : await memberRole(tx, workspaceId, targetId)
		if (!target) throw notFound('No such member.')
		if (targetId !== userId && !memberPermissions.remove(role, target)) throw forbidden(role)
		if (target === 'owner' && (await ownerCount(tx, workspaceId)) <= 1) throw lastOwner()
		await tx.delete(workspaceMember).where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.userId, targetId)))
		await unassign(tx, [workspaceId], targetId)
	})
}

/** Deletes workspaces with everything in them (members, invitations and tasks cascade) and their counts. */
async function dropWorkspaces(tx: TasksTx, ids: string[]): Promise<void> {
	if (ids.length === 0) return
	await tx.delete(workspace).where(inArray(workspace.id, ids))
	await tx.delete(taskCount).where(
		inArray(
			taskCount.listKey,
			ids.map((id) => `w:${id}`),
		),
	)
}

/** DELETE /v1/workspaces/{id}: owners only. */
export async function deleteWorkspace(db: TasksDb, workspaceId: string, userId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const role = await lockAsMember(tx, workspaceId, userId)
		if (!memberPermissions.manageWorkspace(role)) throw forbidden(role)
		await dropWorkspaces(tx, [workspaceId])
	})
}

export async function myWorkspaces(db: TasksDb, userId: string) {
	const rows = await db
		.select({ id: workspaceMember.workspaceId, role: workspaceMember.role })
		.from(workspaceMember)
		.where(eq(workspaceMember.userId, userId))
		.orderBy(asc(workspaceMember.createdAt), asc(workspaceMember.workspaceId))
	return { workspaces: rows }
}

export const SOLE_OWNER_REFUSAL = 'Transfer ownership or delete these workspaces first.'

/**
 * DELETE /v1/me/tasks (account deletion): the caller's personal tasks and
 * their counts, their memberships, and the workspaces they were alone in.
 * Refused (409, nothing deleted) while they are the only owner of a
 * workspace others still belong to. Workspace tasks they created stay with
 * their workspaces.
 */
export async function deleteAccountData(db: TasksDb, userId: string): Promise<void> {
	await db.transaction(async (tx) => {
		const memberships = await tx
			.select({ workspaceId: workspaceMember.workspaceId })
			.from(workspaceMember)
			.where(eq(workspaceMember.userId, userId))
		const ids = memberships.map((row) => row.workspaceId).sort()
		if (ids.length > 0) {
			// In id order, so two deletions sharing workspaces cannot deadlock.
			await tx.select({ id: workspace.id }).from(workspace).where(inArray(workspace.id, ids)).orderBy(asc(workspace.id)).for('update')
			const members = await tx
				.select({ workspaceId: workspaceMember.workspaceId, userId: workspaceMember.userId, role: workspaceMember.role })
				.from(workspaceMember)
				.where(inArray(workspaceMember.workspaceId, ids))
			const alone: string[] = []
			const soleOwnerOf: string[] = []
			for (const id of ids) {
				const here = members.filter((member) => member.workspaceId === id)
				const mine = here.find((member) => member.userId === userId)
				if (!mine) continue
				if (here.length === 1) alone.push(id)
				else if (mine.role === 'owner' && here.filter((member) => member.role === 'owner').length === 1) soleOwnerOf.push(id)
			}
			if (soleOwnerOf.length > 0) throw new ProblemError(409, SOLE_OWNER_REFUSAL, { workspaces: soleOwnerOf })
			await dropWorkspaces(tx, alone)
			const kept = ids.filter((id) => !alone.includes(id))
			await tx.delete(workspaceMember).where(and(eq(workspaceMember.userId, userId), inArray(workspaceMember.workspaceId, kept)))
			await unassign(tx, kept, userId)
		}
		await tx.delete(task).where(eq(task.listKey, userId))
		// Nothing of the user's stays behind, not even their zero counts.
		await tx.delete(taskCount).where(eq(taskCount.listKey, userId))
	})
}

/** Rejects an invitation input that cannot be stored (an expiry in the past). */
export function checkInvitationInput(input: InvitationInput): void {
	if (new Date(input.expiresAt).getTime() <= Date.now()) throw invalidFields([{ field: 'expiresAt', message: 'must be in the future' }])
}
