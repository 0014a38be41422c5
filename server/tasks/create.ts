/**
 * POST …/tasks as one transaction: claim the Idempotency-Key (a repeat
 * answers the original task and counts for nothing), count the creation
 * (per creator, whichever list), check the list's cap (the account's for a
 * personal list, the workspace's for a workspace) and the creator's rate,
 * insert the task and store it as the key's answer.
 */
import type { CreateTaskInput, Task } from '#common/tasks-contract.ts'
import { claimKey, replayOf, requestHash, storeAnswer } from './idempotency.ts'
import {
	countCreation,
	countTasksOf,
	lockAndCountWorkspaceTasks,
	taskLimitReached,
	tooManyCreations,
	workspaceTaskLimitReached,
	type TaskLimits,
	type WorkspaceLimits,
} from './limits.ts'
import { createTask, type TaskList, type TasksDb } from './repository.ts'
import { assertAssignable } from '#server/workspaces/access.ts'

export async function createTaskOnce(
	db: TasksDb,
	list: TaskList,
	userId: string,
	input: CreateTaskInput,
	{ idempotencyKey, limits, workspaceLimits }: { idempotencyKey?: string; limits: TaskLimits; workspaceLimits: WorkspaceLimits },
): Promise<{ task: Task; replayed: boolean }> {
	// Nobody can be assigned a personal task: refused before anything is counted.
	if (list.workspaceId === null) await assertAssignable(db, null, input.assigneeId)
	return db.transaction(async (tx) => {
		if (idempotencyKey !== undefined) {
			const hash = requestHash(input, list.workspaceId)
			const earlier = await claimKey(tx, userId, idempotencyKey, hash)
			if (earlier) return { task: replayOf(earlier, hash), replayed: true }
		}
		const { count, retryAfterSeconds } = await countCreation(tx, userId)
		if (list.workspaceId === null) {
			if ((await countTasksOf(tx, userId)) >= limits.maxTasksPerUser) throw taskLimitReached(limits.maxTasksPerUser)
		} else {
			if ((await lockAndCountWorkspaceTasks(tx, list.workspaceId)) >= workspaceLimits.maxTasks) {
				throw workspaceTaskLimitReached(workspaceLimits.maxTasks)
			}
			// The workspace row is locked: a member being removed waits, so cannot be assigned meanwhile.
			await assertAssignable(tx, list.workspaceId, input.assigneeId)
		}
		if (count > limits.createsPerMinute) throw tooManyCreations(limits.createsPerMinute, retryAfterSeconds)
		const created = await createTask(tx, list, userId, input)
		if (idempotencyKey !== undefined) await storeAnswer(tx, userId, idempotencyKey, created)
		return { task: created, replayed: false }
	})
}
