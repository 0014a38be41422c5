/**
 * The task API's own table. Every row belongs to one user (`user_id` = the
 * JWT's `sub`); there is no foreign key to the app's user table on purpose:
 * the two services share at most a database server, never tables.
 */
import { sql } from 'drizzle-orm'
import { boolean, check, date, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { TASK_NOTES_MAX_LENGTH, TASK_PRIORITIES, TASK_TITLE_MAX_LENGTH } from '../../common/tasks-contract.ts'

/** Declared low → high, so Postgres orders the enum by importance. */
export const taskPriority = pgEnum('task_priority', TASK_PRIORITIES)

/** Millisecond precision: what a JS Date (and so a pagination cursor) holds. */
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' })

export const task = pgTable(
	'task',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: text('user_id').notNull(),
		title: text('title').notNull(),
		notes: text('notes'),
		completed: boolean('completed').notNull().default(false),
		dueDate: date('due_date', { mode: 'string' }),
		priority: taskPriority('priority').notNull().default('normal'),
		createdAt: timestampMs('created_at').notNull().defaultNow(),
		updatedAt: timestampMs('updated_at').notNull().defaultNow(),
		completedAt: timestampMs('completed_at'),
	},
	(table) => [
		// The list query: one user's tasks, newest first (keyset on created_at, id).
		index('task_user_created_idx').on(table.userId, table.createdAt, table.id),
		check('task_title_length', sql`char_length(${table.title}) between 1 and ${sql.raw(String(TASK_TITLE_MAX_LENGTH))}`),
		check('task_notes_length', sql`char_length(${table.notes}) <= ${sql.raw(String(TASK_NOTES_MAX_LENGTH))}`),
		check('task_completed_at', sql`${table.completed} = (${table.completedAt} is not null)`),
	],
)

export const schema = { task, taskPriority }
export type TasksSchema = typeof schema
export type TaskRow = typeof task.$inferSelect
