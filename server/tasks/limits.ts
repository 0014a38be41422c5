/**
 * Per-account limits on creating tasks, so one account cannot fill the
 * database: at most `maxTasksPerUser` tasks (422) and `createsPerMinute`
 * creations in a fixed one-minute window (429 with Retry-After).
 *
 * Counted in the database (task_create_rate), so every API instance shares
 * them. countCreation() is one upsert (common/rate-counter.ts, shared with the
 * app's throttle) that also row-locks the user's counter
 * until the transaction ends: one user's creations run one at a time from
 * there on, so N parallel creates never pass the cap or the rate. A refused
 * create rolls its transaction back, which gives the count back.
 */
import { and, count, eq, isNull } from 'drizzle-orm'
import { fixedWindowHit, type RateCount } from '#common/rate-counter.ts'
import { ProblemError } from '#server/problem.ts'
import { task, taskCount, taskCreateRate, workspace } from '#server/db/schema.ts'
import type { TasksDb } from './repository.ts'

export type TaskLimits = {
	/** Tasks one account may hold (TASKS_MAX_PER_USER). */
	maxTasksPerUser: number
	/** Creations per account per minute (TASKS_CREATES_PER_MINUTE). */
	createsPerMinute: number
}

export const DEFAULT_TASK_LIMITS: TaskLimits = { maxTasksPerUser: 10_000, createsPerMinute: 60 }

/** Limits of workspaces (server/env.ts: WORKSPACE_MAX_TASKS, WORKSPACE_MAX_MEMBERS, WORKSPACES_PER_ACCOUNT). */
export type WorkspaceLimits = {
	/** Live tasks one workspace may hold. */
	maxTasks: number
	/** Members plus pending invitations of one workspace. */
	maxMembers: number
	/** Workspaces one account may belong to when it creates another. */
	perAccount: number
}

export const DEFAULT_WORKSPACE_LIMITS: WorkspaceLimits = { maxTasks: 50_000, maxMembers: 100, perAccount: 20 }

const WINDOW_SECONDS = 60

/** A transaction of the task database (what db.transaction() hands over). */
export type TasksTx = Parameters<Parameters<TasksDb['transaction']>[0]>[0]

/** Counts one creation in the user's current window; locks the counter row for the rest of the transaction. */
export async function countCreation(tx: TasksTx, userId: string): Promise<RateCount> {
	const hit = fixedWindowHit(
		{ key: taskCreateRate.userId, count: taskCreateRate.count, windowEndsAt: taskCreateRate.windowEndsAt },
		WINDOW_SECONDS,
	)
	const [row] = await tx
		.insert(taskCreateRate)
		.values({ userId, ...hit.values })
		.onConflictDoUpdate(hit.onConflict)
		.returning(hit.returning)
	return hit.countOf(row)
}

/** The live tasks of a personal list (its owner's id is its key). */
export async function countTasksOf(tx: TasksTx, userId: string): Promise<number> {
	// Deleted tasks (restorable for a few seconds) leave room at once.
	const [row] = await tx
		.select({ n: count() })
		.from(task)
		.where(and(eq(task.listKey, userId), isNull(task.deletedAt)))
	return Number(row?.n ?? 0)
}

/**
 * The live tasks of a workspace, from task_count, after locking the
 * workspace row (FOR NO KEY UPDATE): its members' creates run one at a time
 * from there on, whoever sends them, so parallel creates never pass the cap.
 * (Task inserts only take KEY SHARE on it, which this lock lets through.)
 */
export async function lockAndCountWorkspaceTasks(tx: TasksTx, workspaceId: string): Promise<number> {
	await tx.select({ id: workspace.id }).from(workspace).where(eq(workspace.id, workspaceId)).for('no key update')
	const [row] = await tx
		.select({ live: taskCount.live })
		.from(taskCount)
		.where(eq(taskCount.listKey, `w:${workspaceId}`))
	return row?.live ?? 0
}

const formatNumber = (value: number) => value.toLocaleString('en-US')

/** 422: the account holds as many tasks as it may. */
export function taskLimitReached(limit: number): ProblemError {
	const message = `You have reached the limit of ${formatNumber(limit)} tasks. Delete some to add new ones.`
	return new ProblemError(422, message, { errors: [{ field: '', message }] })
}

/** 422: the workspace holds as many tasks as it may. */
export function workspaceTaskLimitReached(limit: number): ProblemError {
	const message = `This workspace has reached its limit of ${formatNumber(limit)} tasks. Delete some to add new ones.`
	return new ProblemError(422, message, { errors: [{ field: '', message }] })
}

/** 429: too many creations in this minute. */
export function tooManyCreations(limit: number, retryAfterSeconds: number): ProblemError {
	return new ProblemError(
		429,
		`Too many tasks created: at most ${formatNumber(limit)} a minute. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
		{},
		{ 'Retry-After': String(retryAfterSeconds) },
	)
}
