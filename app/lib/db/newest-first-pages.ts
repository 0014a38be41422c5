/**
 * Cursor paging of a table read newest first (the admin's Users list and
 * audit log): ordered by (created_at, id) descending, a page ends with a
 * cursor naming its last row, and the next page is what comes after it.
 * The cursor is that row's time and id, base64url; one that cannot be read
 * is the first page. Times are whole milliseconds (written from JavaScript
 * Dates), so the cursor's time is exact.
 */
import { and, eq, lt, or, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

export function encodeCursor(createdAt: Date, id: string): string {
	return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url')
}

/** null for a missing or unreadable cursor (the first page). */
export function decodeCursor(cursor: string | null): { createdAt: Date; id: string } | null {
	if (!cursor || cursor.length > 200) return null
	const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|')
	const createdAt = new Date(time ?? '')
	if (!id || Number.isNaN(createdAt.getTime())) return null
	return { createdAt, id }
}

/** The rows after `cursor` in (createdAt, id) descending order; undefined (no condition) for the first page. */
export function after(columns: { createdAt: PgColumn; id: PgColumn }, cursor: string | null): SQL | undefined {
	const last = decodeCursor(cursor)
	if (!last) return undefined
	return or(lt(columns.createdAt, last.createdAt), and(eq(columns.createdAt, last.createdAt), lt(columns.id, last.id)))
}

/** A page of `size` from `size + 1` rows read, and the cursor of the next page when there is one. */
export function pageOf<Row extends { createdAt: Date; id: string }>(rows: Row[], size: number): { page: Row[]; next: string | null } {
	const page = rows.slice(0, size)
	const last = page.at(-1)
	return { page, next: rows.length > size && last ? encodeCursor(last.createdAt, last.id) : null }
}
