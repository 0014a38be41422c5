/**
 * POST /v1/tasks as one transaction: claim the Idempotency-Key (a repeat
 * answers the original task and counts for nothing), count the creation,
 * check the account's cap and rate, insert the task and store it as the
 * key's answer.
 */
import type { CreateTaskInput, Task } from '#common/tasks-contract.ts'
import { claimKey, replayOf, requestHash, storeAnswer } from './idempotency.ts'
import { countCreation, countTasksOf, taskLimitReached, tooManyCreations, type TaskLimits } from './limits.ts'
import { createTask, type TasksDb } from './repository.ts'

export async function createTaskOnce(
	db: TasksDb,
	userId: string,
	input: CreateTaskInput,
	{ idempotencyKey, limits }: { idempotencyKey?: string; limits: TaskLimits },
): Promise<{ task: Task; replayed: boolean }> {
	return db.transaction(async (tx) => {
		if (idempotencyKey !== undefined) {
			const hash = requestHash(input)
			const earlier = await claimKey(tx, userId, idempotencyKey, hash)
			if (earlier) return { task: replayOf(earlier, hash), replayed: true }
		}
		const { count, retryAfterSeconds } = await countCreation(tx, userId)
		if ((await countTasksOf(tx, userId)) >= limits.maxTasksPerUser) throw taskLimitReached(limits.maxTasksPerUser)
		if (count > limits.createsPerMinute) throw tooManyCreations(limits.createsPerMinute, retryAfterSeconds)
		const created = await createTask(tx, userId, input)
		if (idempotencyKey !== undefined) await storeAnswer(tx, userId, idempotencyKey, created)
		return { task: created, replayed: false }
	})
}
