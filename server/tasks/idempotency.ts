/**
 * Idempotency-Key for POST /v1/tasks: (user, key) is remembered for 24 hours
 * with a hash of the request and the task it created. A repeat answers that
 * task again; the same key with other fields is refused (422).
 *
 * The key row is inserted first, in the transaction that creates the task:
 * a concurrent duplicate waits on the primary key until the first commits
 * (then replays its task) or rolls back (then claims the key itself). An
 * expired row is taken over as if it were absent.
 */
import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_TTL_HOURS, type CreateTaskInput, type Task } from '#common/tasks-contract.ts'
import { taskIdempotencyKey } from '#server/db/schema.ts'
import { ProblemError } from '#server/problem.ts'
import type { TasksTx } from './limits.ts'

type KeyRow = typeof taskIdempotencyKey.$inferSelect

/**
 * sha256 of the fields as they will be stored (defaults applied, blank notes
 * as null, keys in a fixed order), and of the list they go to: the same key
 * sent to another list is another request (422). A personal task without an
 * assignee hashes as it did before workspaces, so a retry across a deploy
 * still replays.
 */
export function requestHash(input: CreateTaskInput, workspaceId: string | null): string {
	const effective: unknown[] = [
		input.title.trim(),
		input.notes === undefined || input.notes === null || input.notes.trim() === '' ? null : input.notes,
		input.dueDate ?? null,
		input.priority ?? 'normal',
		input.completed ?? false,
	]
	const assigneeId = input.assigneeId ?? null
	if (workspaceId !== null || assigneeId !== null) effective.push({ workspaceId, assigneeId })
	return createHash('sha256').update(JSON.stringify(effective)).digest('hex')
}

/**
 * Claims the key for this request. Returns null when claimed (go on and
 * create), or the live row of an earlier request with this key.
 */
export async function claimKey(tx: TasksTx, userId: string, key: string, hash: string): Promise<KeyRow | null> {
	const expiresAt = sql`now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`
	const claimed = await tx
		.insert(taskIdempotencyKey)
		.values({ userId, key, requestHash: hash, expiresAt })
		.onConflictDoUpdate({
			target: [taskIdempotencyKey.userId, taskIdempotencyKey.key],
			set: { requestHash: hash, taskId: null, response: null, createdAt: sql`now()`, expiresAt },
			setWhere: sql`${taskIdempotencyKey.expiresAt} <= now()`,
		})
		.returning({ key: taskIdempotencyKey.key })
	if (claimed.length > 0) return null
	const [existing] = await tx
		.select()
		.from(taskIdempotencyKey)
		.where(and(eq(taskIdempotencyKey.userId, userId), eq(taskIdempotencyKey.key, key)))
	if (!existing) throw new Error('idempotency key neither claimed nor found')
	return existing
}

/** The task an earlier request with this key created, or a 422 when that request had other fields. */
export function replayOf(row: KeyRow, hash: string): Task {
	if (row.requestHash !== hash) {
		throw new ProblemError(422, `This ${IDEMPOTENCY_KEY_HEADER} was already used with different fields. Send a new key for a new task.`, {
			errors: [{ field: IDEMPOTENCY_KEY_HEADER, message: 'was already used with different fields' }],
		})
	}
	// Cannot happen: the row is claimed and answered in one transaction.
	if (!row.response) throw new ProblemError(409, `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed.`)
	// Answers stored before tasks had a creator and an assignee (personal tasks).
	const stored: Omit<Task, 'createdBy' | 'assigneeId'> & Partial<Task> = row.response
	return { ...stored, createdBy: stored.createdBy ?? row.userId, assigneeId: stored.assigneeId ?? null }
}

export async function storeAnswer(tx: TasksTx, userId: string, key: string, created: Task): Promise<void> {
	await tx
		.update(taskIdempotencyKey)
		.set({ taskId: created.id, response: created })
		.where(and(eq(taskIdempotencyKey.userId, userId), eq(taskIdempotencyKey.key, key)))
}
