/**
 * The task API's own tables. A task belongs to one list: its creator's
 * personal list (`user_id` = the JWT's `sub`) or a workspace's. There is no
 * foreign key to the app's user or organization tables on purpose: the two
 * services share at most a database server, never tables, so the API keeps
 * its own copy of workspace membership (workspace_member) and decides every
 * request from it.
 */
import { sql } from 'drizzle-orm'
import {
	type AnyPgColumn,
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid,
} from 'drizzle-orm/pg-core'
import { TASK_NOTES_MAX_LENGTH, TASK_PRIORITIES, TASK_TITLE_MAX_LENGTH, type Task } from '#common/tasks-contract.ts'
import { WORKSPACE_ROLES, type WorkspaceRole } from '#common/workspace-roles.ts'

/** Declared low → high, so Postgres orders the enum by importance. */
export const taskPriority = pgEnum('task_priority', TASK_PRIORITIES)

/** Millisecond precision: what a JS Date (and so a pagination cursor) holds. */
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' })

/** A check that a text column holds one of the workspace roles. */
const roleCheck = (name: string, column: AnyPgColumn) =>
	check(name, sql`${column} in (${sql.raw(WORKSPACE_ROLES.map((role) => `'${role}'`).join(', '))})`)

/**
 * A shared task list. Its id is the app's Better Auth organization id (the
 * app mints it); the API stores nothing else about it.
 */
export const workspace = pgTable('workspace', {
	id: text('id').primaryKey(),
	createdAt: timestampMs('created_at').notNull().defaultNow(),
})

/**
 * Who belongs to a workspace, with which role: read on every workspace
 * request (never cached), so a removal or a new role counts from the next one.
 */
export const workspaceMember = pgTable(
	'workspace_member',
	{
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspace.id, { onDelete: 'cascade' }),
		userId: text('user_id').notNull(),
		role: text('role').$type<WorkspaceRole>().notNull(),
		createdAt: timestampMs('created_at').notNull().defaultNow(),
	},
	(table) => [
		primaryKey({ columns: [table.workspaceId, table.userId] }),
		// "My workspaces", and account deletion.
		index('workspace_member_user_idx').on(table.userId),
		roleCheck('workspace_member_role', table.role),
	],
)

/** A pending invitation: accepted by a token whose `email` claim matches (stored lower-case). */
export const workspaceInvitation = pgTable(
	'workspace_invitation',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspace.id, { onDelete: 'cascade' }),
		email: text('email').notNull(),
		role: text('role').$type<WorkspaceRole>().notNull(),
		invitedBy: text('invited_by').notNull(),
		expiresAt: timestampMs('expires_at').notNull(),
	},
	(table) => [index('workspace_invitation_workspace_idx').on(table.workspaceId), roleCheck('workspace_invitation_role', table.role)],
)

export const task = pgTable(
	'task',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Who created it (the personal list's owner for a personal task). */
		userId: text('user_id').notNull(),
		/** The workspace whose list holds it; null for a personal task. */
		workspaceId: text('workspace_id').references(() => workspace.id, { onDelete: 'cascade' }),
		/** Who it is assigned to (a member of its workspace), or nobody. */
		assigneeId: text('assignee_id'),
		title: text('title').notNull(),
		notes: text('notes'),
		completed: boolean('completed').notNull().default(false),
		dueDate: date('due_date', { mode: 'string' }),
		priority: taskPriority('priority').notNull().default('normal'),
		createdAt: timestampMs('created_at').notNull().defaultNow(),
		updatedAt: timestampMs('updated_at').notNull().defaultNow(),
		completedAt: timestampMs('completed_at'),
		/**
		 * Set by a delete: the task is gone from every list, count and read,
		 * restorable for TASK_RESTORE_WINDOW_SECONDS, then purged by the cleanup.
		 */
		deletedAt: timestampMs('deleted_at'),
		/**
		 * What the search (q) reads: title and notes, lower-cased once when
		 * written (a LIKE on it is several times faster than ILIKE on both
		 * columns). Never sent: the API's answers are built from the others.
		 */
		search: text('search').generatedAlwaysAs(sql`lower(title || chr(31) || coalesce(notes, ''))`),
		/**
		 * The list it is on: its creator's id for a personal task (so rows
		 * from before workspaces keep their key), `w:<workspace id>` for a
		 * workspace's. Every list query, index and count is keyed by it.
		 */
		listKey: text('list_key')
			.notNull()
			.generatedAlwaysAs(sql`coalesce('w:' || workspace_id, user_id)`),
	},
	(table) => [
		// The list query: one list's tasks, newest first (keyset on created_at, id).
		index('task_list_created_idx').on(table.listKey, table.createdAt, table.id),
		// The cleanup's purge of deleted tasks.
		index('task_deleted_at_idx')
			.on(table.deletedAt)
			.where(sql`${table.deletedAt} is not null`),
		// One list's live tasks by state (the Active and Completed tabs). The
		// counts on every page come from task_count.
		index('task_list_completed_idx')
			.on(table.listKey, table.completed)
			.where(sql`${table.deletedAt} is null`),
		// The search (q: LIKE '%…%' on search) among many tasks: a trigram
		// index (pg_trgm, created by migration 0003; PGlite loads it too).
		index('task_search_trgm_idx').using('gin', table.search.op('gin_trgm_ops')),
		check('task_title_length', sql`char_length(${table.title}) between 1 and ${sql.raw(String(TASK_TITLE_MAX_LENGTH))}`),
		check('task_notes_length', sql`char_length(${table.notes}) <= ${sql.raw(String(TASK_NOTES_MAX_LENGTH))}`),
		check('task_completed_at', sql`${table.completed} = (${table.completedAt} is not null)`),
	],
)

/**
 * The `Idempotency-Key`s of POST /v1/tasks, per user, kept 24 hours: a repeat
 * of a key answers the task stored here instead of creating another one.
 * The row is inserted (claimed) first, in the same transaction as the task,
 * so a concurrent duplicate waits on the primary key and then replays.
 */
export const taskIdempotencyKey = pgTable(
	'task_idempotency_key',
	{
		userId: text('user_id').notNull(),
		key: text('key').notNull(),
		/** sha256 (hex) of the request's effective fields: a reuse with other fields is refused. */
		requestHash: text('request_hash').notNull(),
		/** The task created under this key and the answer replayed (null only inside the creating transaction). */
		taskId: uuid('task_id'),
		response: jsonb('response').$type<Task>(),
		createdAt: timestampMs('created_at').notNull().defaultNow(),
		expiresAt: timestampMs('expires_at').notNull(),
	},
	(table) => [primaryKey({ columns: [table.userId, table.key] }), index('task_idempotency_key_expires_idx').on(table.expiresAt)],
)

/**
 * Task creations per user in a fixed one-minute window (TASKS_CREATES_PER_MINUTE).
 * One upsert counts a creation atomically; the row lock it takes also
 * serialises one user's creations, so the per-user cap is checked race-free.
 */
export const taskCreateRate = pgTable(
	'task_create_rate',
	{
		userId: text('user_id').primaryKey(),
		count: integer('count').notNull(),
		windowEndsAt: timestampMs('window_ends_at').notNull(),
	},
	(table) => [index('task_create_rate_window_idx').on(table.windowEndsAt)],
)

/**
 * Each list's live (not deleted) tasks and how many of them are done: what
 * every list page shows, read in one primary-key lookup however many tasks
 * there are. Kept by triggers on task (migration 0004_task_counts): every
 * insert, update and delete adjusts it in the same transaction, whatever
 * code path made the change.
 */
export const taskCount = pgTable('task_count', {
	/** task.list_key: a user's id (personal list) or `w:<workspace id>`. */
	listKey: text('list_key').primaryKey(),
	live: integer('live').notNull().default(0),
	completed: integer('completed').notNull().default(0),
})

/**
 * Accounts the app's admins have suspended (issue 22): written only through
 * PUT /v1/me/status, with a token the app mints for the purpose, and read by
 * every instance into a snapshot at most 500 ms old (server/auth/account-blocks.ts).
 * No foreign key: the account is the app's user id, like task.user_id.
 */
export const accountStatus = pgTable(
	'account_status',
	{
		userId: text('user_id').primaryKey(),
		/** Suspended until then ('infinity': no end); null when not suspended. */
		suspendedUntil: timestamp('suspended_until', { withTimezone: true, mode: 'date' }),
		/**
		 * Tokens issued (iat) before this instant are refused: set when a
		 * suspension starts and kept when it is lifted, so a token minted
		 * before the suspension never works again.
		 */
		tokensValidAfter: timestamp('tokens_valid_after', { withTimezone: true, mode: 'date' }),
		updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
	},
	(table) => [
		// The snapshot's two conditions (suspended now, or tokens refused recently), each a range scan.
		index('account_status_suspended_until_idx').on(table.suspendedUntil),
		index('account_status_tokens_valid_after_idx').on(table.tokensValidAfter),
	],
)

/**
 * Access tokens the app has revoked (issue 26): written only through
 * PUT /v1/me/access-tokens/{tokenId}/revocation, with a token the app mints
 * for the purpose, and read by every instance into the same snapshot as the
 * suspensions (server/auth/account-blocks.ts): a JWT whose `tid` is here is
 * refused. Only the last 6 minutes' rows can refuse anything (a revoked
 * token mints no new JWT, and a JWT lives 5 minutes); the cleanup deletes
 * them after a day. No foreign key: the id is the app's, the user its user id.
 */
export const revokedAccessToken = pgTable(
	'revoked_access_token',
	{
		tokenId: text('token_id').primaryKey(),
		/** The revoking token's `sub`: whose access token it was. */
		userId: text('user_id').notNull(),
		/** The first revocation's instant (a repeat keeps it). */
		revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
	},
	// The snapshot's range (revoked in the last 6 minutes) and the cleanup's.
	(table) => [index('revoked_access_token_revoked_at_idx').on(table.revokedAt)],
)

/**
 * Which instance runs the clean-up now (common/cleanup-lease.ts): one row,
 * name 'cleanup', taken by the instance whose run starts while held_until
 * has passed, renewed as its batches go, released (held_until = now()) when
 * it ends. The app has a table of its own (app_cleanup_lease).
 */
export const taskApiCleanupLease = pgTable('task_api_cleanup_lease', {
	name: text('name').primaryKey(),
	holder: text('holder').notNull(),
	heldUntil: timestamp('held_until', { withTimezone: true, mode: 'date' }).notNull(),
})

export const schema = {
	task,
	taskPriority,
	taskIdempotencyKey,
	taskCreateRate,
	taskCount,
	workspace,
	workspaceMember,
	workspaceInvitation,
	accountStatus,
	revokedAccessToken,
	taskApiCleanupLease,
}
export type TasksSchema = typeof schema
export type TaskRow = typeof task.$inferSelect
