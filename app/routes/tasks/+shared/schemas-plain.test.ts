import { describe, expect, test } from 'vitest'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { TaskFormSchema } from './schemas.ts'
import { readListView, TASK_FORM_CONSTRAINT } from './schemas-plain.ts'

describe('the browser side of the task schemas (no zod)', () => {
	test('the task form constraints are the ones the schema gives', () => {
		expect(TASK_FORM_CONSTRAINT).toEqual(getFormConstraint(TaskFormSchema))
	})

	test('a list view: known values kept, the rest falls back to the defaults', () => {
		const read = (query: string) => readListView(new URLSearchParams(query))
		expect(read('')).toEqual({ status: 'all', q: undefined, sort: 'newest' })
		expect(read('status=completed&q=%20milk%20&sort=due-soonest')).toEqual({ status: 'completed', q: 'milk', sort: 'due-soonest' })
		expect(read('status=done&sort=alphabetical')).toEqual({ status: 'all', q: undefined, sort: 'newest' })
		expect(read(`q=${'x'.repeat(201)}`).q).toBeUndefined()
		expect(read(`q=${'x'.repeat(200)}`).q).toHaveLength(200)
		expect(read('q=').q).toBe('')
		expect(read('assignee=me')).toEqual({ status: 'all', q: undefined, sort: 'newest', assignee: 'me' })
		expect(read('assignee=someone').assignee).toBeUndefined()
	})

	test('links made before the one sort select open the same view', () => {
		const read = (query: string) => readListView(new URLSearchParams(query)).sort
		expect(read('sort=due')).toBe('due-soonest')
		expect(read('sort=due&order=desc')).toBe('due-latest')
		expect(read('sort=created&order=asc')).toBe('oldest')
		expect(read('sort=created')).toBe('newest')
		expect(read('sort=priority')).toBe('priority')
		expect(read('sort=priority&order=asc')).toBe('priority')
	})
})
