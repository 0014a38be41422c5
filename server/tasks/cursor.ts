/**
 * Opaque pagination cursors: base64url JSON of the sort, the order and the
 * last row's sort key (its sort value, created_at, id). Keyset pagination on
 * that key is stable under inserts and deletes: a page never repeats or skips
 * a row that existed when the first page was read.
 */
import { z } from 'zod'
import { TASK_PRIORITIES, type SortOrder, type TaskSort } from '#common/tasks-contract.ts'

const isoMs = z.iso.datetime()
const id = z.uuid()
/** A due date, or ±infinity for tasks without one (they sort last). */
const dueKey = z.union([z.iso.date(), z.literal('infinity'), z.literal('-infinity')])

const cursorSchema = z.discriminatedUnion('s', [
	z.strictObject({ s: z.literal('created'), o: z.enum(['asc', 'desc']), k: z.tuple([isoMs, id]) }),
	z.strictObject({ s: z.literal('due'), o: z.enum(['asc', 'desc']), k: z.tuple([dueKey, isoMs, id]) }),
	z.strictObject({ s: z.literal('priority'), o: z.enum(['asc', 'desc']), k: z.tuple([z.enum(TASK_PRIORITIES), isoMs, id]) }),
])
export type Cursor = z.infer<typeof cursorSchema>

export function encodeCursor(cursor: Cursor): string {
	return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url')
}

export type DecodedCursor = { ok: true; cursor: Cursor } | { ok: false; message: string }

export function decodeCursor(value: string, sort: TaskSort, order: SortOrder): DecodedCursor {
	if (!/^[A-Za-z0-9_-]+$/.test(value)) return { ok: false, message: 'is not a valid cursor' }
	let json: unknown
	try {
		json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
	} catch {
		return { ok: false, message: 'is not a valid cursor' }
	}
	const parsed = cursorSchema.safeParse(json)
	if (!parsed.success) return { ok: false, message: 'is not a valid cursor' }
	if (parsed.data.s !== sort || parsed.data.o !== order) {
		return { ok: false, message: 'belongs to another sort or order; start again without a cursor' }
	}
	return { ok: true, cursor: parsed.data }
}
