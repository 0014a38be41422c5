import { describe, expect, test } from 'vitest'
import { CreateWorkspaceSchema, slugFromName } from './schemas.ts'

describe('workspace slugs', () => {
	test('made from the name: lower-case ASCII words joined by hyphens', () => {
		expect(slugFromName('Design Team')).toBe('design-team')
		expect(slugFromName('  Ünïcode   Café!! ')).toBe('unicode-cafe')
		expect(slugFromName('日本')).toBe('')
		expect(slugFromName('a'.repeat(60))).toHaveLength(48)
	})

	test('an empty slug is made from the name; a given one must fit the pattern', () => {
		expect(CreateWorkspaceSchema.parse({ intent: 'create', name: 'Garden Club', slug: '' }).slug).toBe('garden-club')
		expect(CreateWorkspaceSchema.parse({ intent: 'create', name: 'Garden Club', slug: 'My-Garden' }).slug).toBe('my-garden')
		const bad = CreateWorkspaceSchema.safeParse({ intent: 'create', name: 'Garden Club', slug: 'no spaces' })
		expect(bad.success).toBe(false)
		expect(bad.error?.issues[0]?.path).toEqual(['slug'])
		const nameless = CreateWorkspaceSchema.safeParse({ intent: 'create', name: '日本', slug: '' })
		expect(nameless.error?.issues[0]?.message).toBe('Choose a URL slug: lower-case letters, digits and hyphens.')
	})
})
