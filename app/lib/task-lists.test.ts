import { describe, expect, test } from 'vitest'
import { listBaseOf, notFoundMessage, PERSONAL_LIST, WORKSPACE_NOT_FOUND_MESSAGE } from './task-lists.ts'

describe('which task list a URL belongs to', () => {
	test('a workspace list and its task pages, also as JavaScript data requests', () => {
		for (const path of [
			'/w/acme/tasks',
			'/w/acme/tasks.data',
			'/w/acme/tasks/1f0c',
			'/w/acme/tasks/1f0c.data',
			'/w/acme/tasks/1f0c/delete',
		]) {
			expect(listBaseOf(path), path).toBe('/w/acme/tasks')
		}
	})

	test('everything else is the personal list', () => {
		for (const path of ['/tasks', '/tasks.data', '/tasks/1f0c', '/w/acme/tasksx', '/w/acme/members', '/settings']) {
			expect(listBaseOf(path), path).toBe(PERSONAL_LIST)
		}
	})

	test('a workspace 404 keeps its words; any other 404 gets the usual ones', () => {
		expect(notFoundMessage(WORKSPACE_NOT_FOUND_MESSAGE)).toBe(WORKSPACE_NOT_FOUND_MESSAGE)
		expect(notFoundMessage('Not Found')).toBe('The page you are looking for does not exist.')
	})
})
