/**
 * Task queries. Every one takes the list it works on (a TaskList: the
 * caller's personal list, or a workspace the caller was just found to belong
 * to) and filters by its key: no function here can reach another list's row.
 */
import { and, asc, desc, eq, getTableColumns, isNotNull, isNull, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Database } from '#common/database.ts'
import { isWorkspaceRole, type WorkspaceRole } from '#common/workspace-roles.ts'
import {
	DEFAULT_SORT_ORDER,
	TASK_RESTORE_WINDOW_SECONDS,
	type CreateTaskInput,
	type ListTasksParams,
	type SortOrder,
	type Task,
	type TaskCounts,
	type TaskSort,
	type UpdateTaskInput,
} from '#common/tasks-contract.ts'
import { task, taskCount, type TaskRow, type TasksSchema } from '#server/db/schema.ts'
import { roleColumn } from '#server/workspaces/access.ts'
import { encodeCursor, type Cursor } from './cursor.ts'

export type TasksDb = Database<TasksSchema>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/**
 * Where a task request works: the caller's personal list (key = their id)
 * or a workspace's (key = `w:<id>`). task.list_key is generated from the
 * same rule, so a list's tasks are found by its key alone.
 */
export type TaskList = { listKey: string; workspaceId: string | null }

export function personalList(userId: string): TaskList {
	return { listKey: userId, workspaceId: null }
}

export function workspaceList(workspaceId: string): TaskList {
	return { listKey: `w:${workspaceId}`, workspaceId }
}

/** A list's tasks that are not deleted: every read and write goes through this. */
function liveTasksOf(listKey: string | SQLWrapper): SQL {
	return and(eq(task.listKey, listKey), isNull(task.deletedAt))!
}

/** A deleted task still inside its restore window. */
const restorable = sql`${task.deletedAt} > now() - make_interval(secs => ${TASK_RESTORE_WINDOW_SECONDS})`

/** Ids that are not uuids cannot exist: answered like any unknown id. */
function isTaskId(value: string): boolean {
	return UUID.test(value)
}

function toTask(row: ListedRow): Task {
	return {
		id: row.id,
		title: row.title,
		notes: row.notes,
		completed: row.completed,
		dueDate: row.dueDate,
		priority: row.priority,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		completedAt: row.completedAt ? row.completedAt.toISOString() : null,
		createdBy: row.userId,
		assigneeId: row.assigneeId,
	}
}

/** Blank notes are no notes. */
function normalizeNotes(notes: string | null | undefined): string | null {
	return notes === undefined || notes === null || notes.trim() === '' ? null : notes
}

/** What a listed task needs: not its list (the one asked for), deletion (never listed) or search text. */
const { search: _search, listKey: _listKey, workspaceId: _workspaceId, deletedAt: _deletedAt, ...LISTED_COLUMNS } = getTableColumns(task)
type ListedRow = Omit<TaskRow, 'search' | 'listKey' | 'workspaceId' | 'deletedAt'>

/** `%`, `_` and `\` match themselves in the search. */
function likePattern(search: string): string {
	return `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

type SortKey = {
	expressions: Array<SQL | AnyPgColumn>
	/** The cursor's key values, typed (each a value or a placeholder). */
	values: (k: readonly unknown[]) => SQL[]
	keyOf: (row: ListedRow) => Cursor['k']
}

/** The ordering key of a sort: its own value, then created_at, then id. */
function sortKey(sort: TaskSort, order: SortOrder): SortKey {
	const tail = (k: readonly unknown[]) => {
		const [createdAt, id] = k.slice(-2)
		return [sql`${createdAt}::timestamptz`, sql`${id}::uuid`]
	}
	switch (sort) {
		case 'created':
			return {
				expressions: [task.createdAt, task.id],
				values: (k) => tail(k),
				keyOf: (row) => [row.createdAt.toISOString(), row.id],
			}
		case 'due': {
			// Tasks without a due date come last in both directions.
			const none = order === 'asc' ? 'infinity' : '-infinity'
			return {
				expressions: [sql`coalesce(${task.dueDate}, ${sql.raw(`'${none}'`)}::date)`, task.createdAt, task.id],
				values: (k) => [sql`${k[0]}::date`, ...tail(k)],
				keyOf: (row) => [row.dueDate ?? none, row.createdAt.toISOString(), row.id],
			}
		}
		case 'priority':
			// The enum is declared low, normal, high: desc = high first.
			return {
				expressions: [task.priority, task.createdAt, task.id],
				values: (k) => [sql`${k[0]}::task_priority`, ...tail(k)],
				keyOf: (row) => [row.priority, row.createdAt.toISOString(), row.id],
			}
	}
}

/**
 * The list's totals as [live, completed]: one primary-key lookup in
 * task_count (kept by triggers on task), however many tasks there are.
 */
function countsColumn(listKey: unknown) {
	return sql<
		[number, number] | null
	>`(select array[${taskCount.live}, ${taskCount.completed}] from ${taskCount} where ${taskCount.listKey} = ${listKey})`
}

function toCounts(row: { counts: [number, number] | null } | undefined): TaskCounts {
	const all = Number(row?.counts?.[0] ?? 0)
	const completed = Number(row?.counts?.[1] ?? 0)
	return { all, active: all - completed, completed }
}

/** A list query's placeholders (it is always prepared: see preparedList). */
type ListValues = {
	listKey: Placeholder
	limit: Placeholder
	pattern?: Placeholder
	assignee?: Placeholder
	k?: readonly Placeholder[]
	/** A workspace's list: the caller, whose role the query reads (see listWorkspaceTasks). */
	member?: Member
}

type Member = { workspaceId: unknown; userId: unknown }

/**
 * `fields`, and the role of `member` when given. Typed as always holding
 * `role` (drizzle types a selection by its keys): rows read without a
 * member have none (undefined).
 */
function withRole<T extends object>(fields: T, member: Member | undefined): T & { role: SQL<WorkspaceRole | null> } {
	return member ? { ...fields, role: roleColumn(member.workspaceId, member.userId) } : (fields as T & { role: SQL<WorkspaceRole | null> })
}

function listQuery(db: TasksDb, params: ListTasksParams, order: SortOrder, key: SortKey, values: ListValues) {
	const conditions: SQL[] = [liveTasksOf(values.listKey)]
	// Evaluated once, before any task is read: without a role, no row at all.
	if (values.member) conditions.push(sql`${roleColumn(values.member.workspaceId, values.member.userId)} is not null`)
	if (params.status === 'active') conditions.push(eq(task.completed, false))
	if (params.status === 'completed') conditions.push(eq(task.completed, true))
	if (values.assignee !== undefined) conditions.push(sql`${task.assigneeId} = ${values.assignee}`)
	// Case-insensitive: the column is lower-cased, so is the pattern (by the same function).
	if (values.pattern !== undefined) conditions.push(sql`${task.search} like lower(${values.pattern})`)
	if (values.k) {
		const columns = sql.join(
			key.expressions.map((expression) => sql`${expression}`),
			sql`, `,
		)
		const after = sql.join(key.values(values.k), sql`, `)
		conditions.push(order === 'asc' ? sql`(${columns}) > (${after})` : sql`(${columns}) < (${after})`)
	}
	const direction = order === 'asc' ? asc : desc
	// One round trip: the page, each row carrying the counts (an
	// uncorrelated subquery, evaluated once), and on a workspace's list the
	// caller's role (the same). Only an empty page needs a second query.
	return db
		.select(withRole({ ...LISTED_COLUMNS, counts: countsColumn(values.listKey) }, values.member))
		.from(task)
		.where(and(...conditions))
		.orderBy(...key.expressions.map((expression) => direction(expression)))
		.limit(values.limit)
}

type PreparedList = ReturnType<ReturnType<typeof listQuery>['prepare']>
/**
 * List queries built once per shape (sort, order, status, search or not,
 * assignee or not, first page or not) and database: building a query with drizzle costs more
 * CPU than Postgres takes to answer it. Each is also a prepared statement
 * on Postgres (postgres.js keeps one per connection and query text), parsed
 * once. A search runs on the custom-plan connections (`customPlanDb`):
 * whether the term is common (walk the sort order) or rare (the trigram
 * index) decides its plan, and a generic plan, kept after five runs, would
 * pick one for every term. Without a search the plan is the same for every
 * user, and the generic one is kept: planned once per connection.
 */
const preparedLists = new WeakMap<TasksDb, Map<string, PreparedList>>()

function preparedList(
	db: TasksDb,
	params: ListTasksParams,
	order: SortOrder,
	key: SortKey,
	after: boolean,
	withRole: boolean,
): PreparedList {
	let forDb = preparedLists.get(db)
	if (!forDb) preparedLists.set(db, (forDb = new Map()))
	const search = Boolean(params.q)
	const assigned = params.assignee !== undefined
	const shape = `${params.sort}:${order}:${params.status}:${search ? 'search' : 'all'}:${assigned ? 'assigned' : 'anyone'}:${after ? 'after' : 'first'}:${withRole ? 'role' : 'owner'}`
	let prepared = forDb.get(shape)
	if (prepared === undefined) {
		const k = after ? key.expressions.map((_, index) => sql.placeholder(`k${index}`)) : undefined
		const pattern = search ? sql.placeholder('pattern') : undefined
		const assignee = assigned ? sql.placeholder('assignee') : undefined
		const member = withRole ? { workspaceId: sql.placeholder('workspaceId'), userId: sql.placeholder('memberId') } : undefined
		const query = listQuery(db, params, order, key, {
			listKey: sql.placeholder('listKey'),
			limit: sql.placeholder('limit'),
			pattern,
			assignee,
			k,
			member,
		})
		prepared = query.prepare('list_tasks')
		forDb.set(shape, prepared)
	}
	return prepared
}

/** Where a list is read: `customPlanDb` (OpenedDatabase.customPlanDb) for a search. */
export type ListDatabases = { db: TasksDb; customPlanDb: TasksDb }

export type TaskPage = { items: Task[]; nextCursor: string | null; counts: TaskCounts }

/** The page and, on a workspace's list, the role its query read (null: not a member, and no page). */
type PageRead = { page: TaskPage; role: WorkspaceRole | null }

/**
 * One page of `list`; `callerId` is who `assignee=me` means. `withRole`: the
 * query also reads the caller's role in the list's workspace, and finds no
 * task without one; an empty page's second query (for the counts) reads it
 * then. Either way the role comes from the one query whose answer is sent.
 */
async function readPage(
	databases: ListDatabases,
	list: TaskList,
	callerId: string,
	params: ListTasksParams,
	cursor: Cursor | undefined,
	withRole: boolean,
): Promise<PageRead> {
	const order = params.order ?? DEFAULT_SORT_ORDER[params.sort]
	const key = sortKey(params.sort, order)
	const limit = params.limit + 1
	const pattern = params.q ? likePattern(params.q) : undefined
	const db = pattern === undefined ? databases.db : databases.customPlanDb
	const member = withRole ? { workspaceId: list.workspaceId, memberId: callerId } : {}
	const rows = await preparedList(db, params, order, key, cursor !== undefined, withRole).execute({
		listKey: list.listKey,
		limit,
		pattern,
		assignee: params.assignee === 'me' ? callerId : undefined,
		...member,
		...Object.fromEntries((cursor?.k ?? []).map((value, index) => [`k${index}`, value])),
	})
	const first = rows[0] ?? (await emptyPage(databases.db, list, withRole ? callerId : undefined))
	const page = rows.slice(0, params.limit)
	const last = page.at(-1)
	const nextCursor = rows.length > params.limit && last ? encodeCursor({ s: params.sort, o: order, k: key.keyOf(last) } as Cursor) : null
	return { page: { items: page.map(toTask), nextCursor, counts: toCounts(first) }, role: first?.role ?? null }
}

/** What an empty page still answers: the list's counts, and the role of `memberId` when given. */
async function emptyPage(db: TasksDb, list: TaskList, memberId: string | undefined) {
	const member = memberId === undefined ? undefined : { workspaceId: list.workspaceId, userId: memberId }
	const [row] = await db.select(withRole({ counts: countsColumn(list.listKey) }, member)).from(sql`(select 1) as one`)
	return row
}

/** One page of a list read without a role: the caller's personal list. */
export async function listTasks(
	databases: ListDatabases,
	list: TaskList,
	callerId: string,
	params: ListTasksParams,
	cursor: Cursor | undefined,
): Promise<TaskPage> {
	return (await readPage(databases, list, callerId, params, cursor, false)).page
}

/**
 * One page of a workspace's list and the caller's role in it, both from the
 * same read of the membership table (server/workspaces/access.ts
 * readsOwnRole: the membership middleware did not look it up), or null when
 * the caller is not a member now. `workspaceId` must be a workspace id
 * (isWorkspaceId).
 */
export async function listWorkspaceTasks(
	databases: ListDatabases,
	workspaceId: string,
	callerId: string,
	params: ListTasksParams,
	cursor: Cursor | undefined,
): Promise<(TaskPage & { role: WorkspaceRole }) | null> {
	const { page, role } = await readPage(databases, workspaceList(workspaceId), callerId, params, cursor, true)
	return isWorkspaceRole(role) ? { ...page, role } : null
}

/** Inserts a task on `list`, created by `creatorId` (validated input: an assignee is a member). */
export async function createTask(db: TasksDb, list: TaskList, creatorId: string, input: CreateTaskInput): Promise<Task> {
	const completed = input.completed ?? false
	const [row] = await db
		.insert(task)
		.values({
			userId: creatorId,
			workspaceId: list.workspaceId,
			assigneeId: input.assigneeId ?? null,
			title: input.title,
			notes: normalizeNotes(input.notes),
			dueDate: input.dueDate ?? null,
			priority: input.priority ?? 'normal',
			completed,
			completedAt: completed ? sql`now()` : null,
		})
		.returning()
	return toTask(row!)
}

export async function getTask(db: TasksDb, list: TaskList, id: string): Promise<Task | undefined> {
	if (!isTaskId(id)) return undefined
	const [row] = await db
		.select()
		.from(task)
		.where(and(eq(task.id, id), liveTasksOf(list.listKey)))
	return row ? toTask(row) : undefined
}

export async function updateTask(db: TasksDb, list: TaskList, id: string, input: UpdateTaskInput): Promise<Task | undefined> {
	if (!isTaskId(id)) return undefined
	const changes: { [K in keyof typeof task.$inferInsert]?: (typeof task.$inferInsert)[K] | SQL } = {}
	if (input.title !== undefined) changes.title = input.title
	if (input.notes !== undefined) changes.notes = normalizeNotes(input.notes)
	if (input.dueDate !== undefined) changes.dueDate = input.dueDate
	if (input.priority !== undefined) changes.priority = input.priority
	if (input.assigneeId !== undefined) changes.assigneeId = input.assigneeId
	if (input.completed !== undefined) {
		changes.completed = input.completed
		// Completing keeps the first completion time; reopening clears it.
		changes.completedAt = input.completed ? sql`coalesce(${task.completedAt}, now())` : null
	}
	if (Object.keys(changes).length === 0) return getTask(db, list, id)
	const [row] = await db
		.update(task)
		.set({ ...changes, updatedAt: sql`now()` })
		.where(and(eq(task.id, id), liveTasksOf(list.listKey)))
		.returning()
	return row ? toTask(row) : undefined
}

/**
 * Soft delete: restorable for TASK_RESTORE_WINDOW_SECONDS (restoreTask), then
 * purged by the cleanup. `createdBy`: only a task this user created (a
 * member's own); 'not-theirs' when the task is live on the list but someone
 * else's (a 403, not a 404: the caller can see it).
 */
export async function deleteTask(
	db: TasksDb,
	list: TaskList,
	id: string,
	createdBy?: string,
): Promise<'deleted' | 'not-found' | 'not-theirs'> {
	if (!isTaskId(id)) return 'not-found'
	const conditions = [eq(task.id, id), liveTasksOf(list.listKey)]
	if (createdBy !== undefined) conditions.push(eq(task.userId, createdBy))
	const rows = await db
		.update(task)
		.set({ deletedAt: sql`now()` })
		.where(and(...conditions))
		.returning({ id: task.id })
	if (rows.length > 0) return 'deleted'
	// Only a refused member pays for this second look.
	if (createdBy !== undefined && (await getTask(db, list, id))) return 'not-theirs'
	return 'not-found'
}

/** Soft-deletes the completed tasks; answers their ids (each restorable like a single delete). */
export async function deleteCompletedTasks(db: TasksDb, list: TaskList): Promise<string[]> {
	const rows = await db
		.update(task)
		.set({ deletedAt: sql`now()` })
		.where(and(liveTasksOf(list.listKey), eq(task.completed, true)))
		.returning({ id: task.id })
	return rows.map((row) => row.id)
}

/**
 * Undoes a delete within the restore window: the task, or 'not-found' when
 * unknown, not deleted, or too late; 'not-theirs' when `createdBy` is given
 * and the restorable task is someone else's.
 */
export async function restoreTask(db: TasksDb, list: TaskList, id: string, createdBy?: string): Promise<Task | 'not-found' | 'not-theirs'> {
	if (!isTaskId(id)) return 'not-found'
	const restorableHere = and(eq(task.id, id), eq(task.listKey, list.listKey), isNotNull(task.deletedAt), restorable)!
	const [row] = await db
		.update(task)
		.set({ deletedAt: null })
		.where(createdBy === undefined ? restorableHere : and(restorableHere, eq(task.userId, createdBy)))
		.returning()
	if (row) return toTask(row)
	if (createdBy !== undefined) {
		const [other] = await db.select({ id: task.id }).from(task).where(restorableHere)
		if (other) return 'not-theirs'
	}
	return 'not-found'
}
