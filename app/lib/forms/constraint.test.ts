import { describe, expect, test } from 'vitest'
import { getFormConstraint } from './constraint.ts'
import { ResendVerificationSchema } from '#app/routes/auth/+shared/schemas.ts'
import { ChangePasswordSchema, DeleteAccountSchema } from '#app/routes/settings/+shared/schemas.ts'
import { LoginSchema, SignupSchema } from '#app/routes/auth/+shared/schemas.ts'
import { TaskFormSchema } from '#app/routes/tasks/+shared/schemas.ts'

describe('getFormConstraint', () => {
	test('reads required and lengths from the schema, through trims and pipes', () => {
		const signup = getFormConstraint(SignupSchema)
		expect(signup.name).toEqual({ required: true, minLength: 1, maxLength: 100 })
		expect(signup.email).toEqual({ required: true, minLength: 1, maxLength: 254 })
		expect(signup.password).toEqual({ required: true, minLength: 8, maxLength: 128 })
		expect(signup.confirmPassword).toEqual({ required: true, maxLength: 128 })
		expect(signup.redirectTo).toMatchObject({ required: false })
	})

	test('a password typed to prove who you are has no minimum (no length hint)', () => {
		expect(getFormConstraint(LoginSchema).password).toEqual({ required: true, maxLength: 1024 })
		expect(getFormConstraint(LoginSchema).rememberMe).toEqual({ required: false })
		expect(getFormConstraint(ChangePasswordSchema).currentPassword).toMatchObject({ maxLength: 1024 })
		expect(getFormConstraint(DeleteAccountSchema).password).toMatchObject({ maxLength: 1024 })
		expect(getFormConstraint(ResendVerificationSchema).email).toMatchObject({ maxLength: 254 })
	})

	test('task fields: optional ones are not required, the priority keeps its pattern', () => {
		const task = getFormConstraint(TaskFormSchema)
		expect(task.title).toEqual({ required: true, minLength: 1, maxLength: 200 })
		expect(task.notes).toEqual({ required: false, maxLength: 5000 })
		expect(task.dueDate).toEqual({ required: false })
		expect(task.priority).toEqual({ required: false, pattern: 'low|normal|high' })
	})
})
