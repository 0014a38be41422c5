/**
 * Schemas of the task forms, built from the task API's contract: the
 * actions validate every submission with them (the browser does not load
 * them: the task forms are validated by the server, with and without
 * JavaScript, and their HTML constraints come from TASK_FORM_CONSTRAINT).
 * (URL helpers and UI text: app/routes/tasks/+shared/view.ts. What the
 * browser needs without zod, re-exported here: ./tasks-plain.ts.)
 */
import { z } from '#app/lib/forms/zod.ts'
import { TASK_NOTES_MAX_LENGTH, TASK_PRIORITIES, TASK_TITLE_MAX_LENGTH } from '#common/tasks-limits.ts'
import { hasControlCharacters } from '#common/text-safety.ts'

export { TASK_PRIORITIES, TASK_NOTES_MAX_LENGTH, TASK_TITLE_MAX_LENGTH }
export * from './schemas-plain.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/
function isCalendarDate(value: string) {
	if (!DATE.test(value) || value.startsWith('0000')) return false
	const date = new Date(`${value}T00:00:00Z`)
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/** Add and edit: the same fields. Empty fields arrive as undefined (conform). */
export const TaskFormSchema = z.object({
	title: z
		.string({ error: 'Title is required' })
		.trim()
		.min(1, 'Title is required')
		.max(TASK_TITLE_MAX_LENGTH, `Title must be at most ${TASK_TITLE_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value), "Title can't contain control characters"),
	notes: z
		.string()
		.max(TASK_NOTES_MAX_LENGTH, `Notes must be at most ${TASK_NOTES_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value, { multiline: true }), "Notes can't contain control characters")
		.optional(),
	dueDate: z.string().refine(isCalendarDate, 'Due date must be a valid date (YYYY-MM-DD)').optional(),
	priority: z.enum(TASK_PRIORITIES, { error: 'Choose a priority: low, normal or high' }).default('normal'),
	/** In a workspace: a member's user id; empty is nobody (the task API checks membership). */
	assigneeId: z.uuid({ error: 'Choose a member of this workspace' }).optional(),
})
export type TaskFormValues = z.output<typeof TaskFormSchema>

export const TaskIdSchema = z.object({ id: z.uuid({ error: 'Unknown task' }) })

export const ToggleSchema = z.object({
	id: z.uuid({ error: 'Unknown task' }),
	completed: z.enum(['true', 'false']).transform((value) => value === 'true'),
})

export const INTENTS = ['create', 'toggle', 'delete', 'clear-completed', 'update', 'undo', 'time-zone'] as const
export type Intent = (typeof INTENTS)[number]

/** Undo: the deleted tasks to restore. */
export const UndoSchema = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) })

/** An IANA time zone the runtime knows (the browser's, remembered on the account). */
export const TimeZoneSchema = z.object({
	timeZone: z
		.string()
		.max(100)
		.refine((value) => {
			try {
				new Intl.DateTimeFormat('en', { timeZone: value })
				return true
			} catch {
				return false
			}
		}, 'Unknown time zone'),
})

/** The add form's one-time key (ADD_KEY_FIELD): a UUID. */
export const AddKeySchema = z.uuid()
