import { parseWithZod } from '@conform-to/zod/v4'
import { describe, expect, test } from 'vitest'
import { LoginSchema, SignupSchema } from './schemas.ts'

function form(fields: Record<string, string>) {
	const formData = new FormData()
	for (const [name, value] of Object.entries(fields)) formData.set(name, value)
	return formData
}

const valid = {
	name: '  Ada Lovelace ',
	email: '  Ada@Example.COM ',
	password: 'eight ch',
	confirmPassword: 'eight ch',
}

describe('SignupSchema', () => {
	test('trims the name and normalises the email', () => {
		const submission = parseWithZod(form(valid), { schema: SignupSchema })
		expect(submission.status).toBe('success')
		if (submission.status !== 'success') return
		expect(submission.value.name).toBe('Ada Lovelace')
		expect(submission.value.email).toBe('ada@example.com')
	})

	test('accepts 8 and 128 character passwords with no composition rules', () => {
		for (const password of ['aaaaaaaa', 'a'.repeat(128)]) {
			const submission = parseWithZod(form({ ...valid, password, confirmPassword: password }), {
				schema: SignupSchema,
			})
			expect(submission.status).toBe('success')
		}
	})

	test.each([
		[{ name: '' }, 'name', 'Name is required'],
		[{ name: '   ' }, 'name', 'Name is required'],
		[{ name: 'n'.repeat(101) }, 'name', 'Name must be at most 100 characters'],
		[{ email: '' }, 'email', 'Email is required'],
		[{ email: 'ada@' }, 'email', 'Enter a valid email address'],
		[{ password: '', confirmPassword: '' }, 'password', 'Password is required'],
		[{ password: 'seven c', confirmPassword: 'seven c' }, 'password', 'Password must be at least 8 characters'],
		[{ password: 'a'.repeat(129), confirmPassword: 'a'.repeat(129) }, 'password', 'Password must be at most 128 characters'],
		[{ confirmPassword: 'different' }, 'confirmPassword', 'Passwords do not match'],
		[{ confirmPassword: '' }, 'confirmPassword', 'Confirm your password'],
	])('%j → %s: %s', (override, field, message) => {
		const submission = parseWithZod(form({ ...valid, ...override }), { schema: SignupSchema })
		expect(submission.status).toBe('error')
		expect(submission.reply().error?.[field]).toContain(message)
	})
})

describe('LoginSchema', () => {
	test('normalises the email and reads the Remember me checkbox', () => {
		const submission = parseWithZod(form({ email: ' Ada@Example.com', password: 'x', rememberMe: 'on' }), { schema: LoginSchema })
		expect(submission.status).toBe('success')
		if (submission.status !== 'success') return
		expect(submission.value).toMatchObject({ email: 'ada@example.com', rememberMe: true })
	})

	test('requires both fields', () => {
		const { error } = parseWithZod(form({}), { schema: LoginSchema }).reply()
		expect(error?.email).toContain('Email is required')
		expect(error?.password).toContain('Password is required')
	})
})
