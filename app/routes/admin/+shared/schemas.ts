/**
 * The admin forms' schemas, shared by the browser and the server (the
 * actions, which are the authority). No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { CurrentPasswordSchema } from '#app/lib/auth/account-fields.ts'
import { hasControlCharacters } from '#common/text-safety.ts'

export const REASON_MAX_LENGTH = 500
export const SEARCH_MAX_LENGTH = 200
export const SUSPENSION_END_PAST_MESSAGE = 'Until must be a day after today (or leave it empty for no end).'

const SessionIdSchema = z.string({ error: 'Choose a session' }).min(1).max(64)

/** Suspend user: a reason (required, it goes into the audit log), and optionally the day it ends. */
export const SuspendSchema = z.object({
	intent: z.literal('suspend'),
	reason: z
		.string({ error: 'Give a reason' })
		.trim()
		.min(1, 'Give a reason')
		.max(REASON_MAX_LENGTH, `The reason must be at most ${REASON_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value.replace(/[\r\n\t]/g, ' ')), "The reason can't contain control characters"),
	/** A day (YYYY-MM-DD): the suspension lifts itself at its start (the admin's time zone). The action checks it is after today. */
	until: z
		.string()
		.trim()
		.regex(/^\d{4}-\d{2}-\d{2}$/, 'Until must be a date (YYYY-MM-DD)')
		.refine((value) => !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()), 'Until must be a date (YYYY-MM-DD)')
		.optional(),
})

export const RestoreSchema = z.object({ intent: z.literal('restore') })
export const RevokeSessionSchema = z.object({ intent: z.literal('revoke-session'), sessionId: SessionIdSchema })
export const SignOutEverywhereSchema = z.object({ intent: z.literal('sign-out-everywhere') })

/** Act as this user: the admin's own password, and their second factor when they have one (the action checks). */
export const ImpersonateSchema = z.object({
	intent: z.literal('impersonate'),
	password: CurrentPasswordSchema('Enter your password'),
	code: z
		.string()
		.trim()
		.transform((value) => value.replace(/\s+/g, ''))
		.pipe(z.string().max(32, 'That code is not valid.'))
		.optional(),
})

export const ACCOUNT_ROLES = ['user', 'admin'] as const
export const ROLE_NAMES: Record<(typeof ACCOUNT_ROLES)[number], string> = { user: 'User', admin: 'Admin' }
export const SetRoleSchema = z.object({ intent: z.literal('set-role'), role: z.enum(ACCOUNT_ROLES, { error: 'Choose a role' }) })

export const DeleteUserSchema = z.object({
	intent: z.literal('delete-user'),
	confirmEmail: z.string({ error: "Type the account's email to confirm" }).trim().min(1, "Type the account's email to confirm").max(320),
})

/** The user page's forms, by intent. */
export const USER_PAGE_SCHEMAS = {
	suspend: SuspendSchema,
	restore: RestoreSchema,
	'revoke-session': RevokeSessionSchema,
	'sign-out-everywhere': SignOutEverywhereSchema,
	impersonate: ImpersonateSchema,
	'set-role': SetRoleSchema,
	'delete-user': DeleteUserSchema,
} as const
export type UserPageIntent = keyof typeof USER_PAGE_SCHEMAS
