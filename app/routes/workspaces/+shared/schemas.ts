/**
 * The workspace forms' schemas (create, invite, revoke, change role,
 * remove, leave, rename, transfer, delete), shared by the browser and the
 * server (the actions, which are the authority). No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { EmailSchema } from '#app/lib/auth/account-fields.ts'
import { hasControlCharacters } from '#common/text-safety.ts'
import { WORKSPACE_NAME_MAX_LENGTH, WORKSPACE_ROLES, WORKSPACE_SLUG_PATTERN } from '#common/workspace-roles.ts'

export const INVITATION_GONE_MESSAGE = 'This invitation is no longer valid.'
export const SLUG_TAKEN_MESSAGE = 'That URL is taken: choose another.'
const SLUG_MESSAGE = 'Use lower-case letters, digits and hyphens (not at the start or end), at most 48 characters.'

export const WorkspaceNameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(WORKSPACE_NAME_MAX_LENGTH, `Name must be at most ${WORKSPACE_NAME_MAX_LENGTH} characters`)
	.refine((value) => !hasControlCharacters(value), "Name can't contain control characters")

/** The URL slug a name gives: lower-case ASCII letters and digits, words joined by hyphens ("Design Team" → "design-team"). */
export function slugFromName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 48)
		.replace(/-+$/, '')
}

export const CreateWorkspaceSchema = z
	.object({
		intent: z.literal('create'),
		name: WorkspaceNameSchema,
		/** Empty: made from the name. */
		slug: z.string().trim().toLowerCase().max(48, SLUG_MESSAGE).optional(),
	})
	.transform((value, ctx) => {
		const slug = value.slug || slugFromName(value.name)
		if (!WORKSPACE_SLUG_PATTERN.test(slug)) {
			ctx.addIssue({
				code: 'custom',
				path: ['slug'],
				message: value.slug ? SLUG_MESSAGE : 'Choose a URL slug: lower-case letters, digits and hyphens.',
			})
			return z.NEVER
		}
		return { ...value, slug }
	})

const RoleSchema = z.enum(WORKSPACE_ROLES, { error: 'Choose a role' })
const UserIdSchema = z.string({ error: 'Choose a person' }).min(1, 'Choose a person').max(64)

export const InviteSchema = z.object({ intent: z.literal('invite'), email: EmailSchema, role: RoleSchema })
export const RevokeInvitationSchema = z.object({ intent: z.literal('revoke-invitation'), invitationId: z.string().min(1).max(64) })
export const ChangeRoleSchema = z.object({ intent: z.literal('change-role'), userId: UserIdSchema, role: RoleSchema })
export const RemoveMemberSchema = z.object({ intent: z.literal('remove-member'), userId: UserIdSchema })
export const LeaveSchema = z.object({ intent: z.literal('leave') })
export const RenameSchema = z.object({ intent: z.literal('rename'), name: WorkspaceNameSchema })
export const TransferSchema = z.object({ intent: z.literal('transfer'), userId: UserIdSchema })
export const DeleteWorkspaceSchema = z.object({
	intent: z.literal('delete-workspace'),
	confirmName: z.string({ error: "Type the workspace's name to confirm" }).trim().min(1, "Type the workspace's name to confirm").max(200),
})

/** Every intent the members page posts, with its schema. */
export const MEMBERS_PAGE_SCHEMAS = {
	invite: InviteSchema,
	'revoke-invitation': RevokeInvitationSchema,
	'change-role': ChangeRoleSchema,
	'remove-member': RemoveMemberSchema,
	leave: LeaveSchema,
	rename: RenameSchema,
	transfer: TransferSchema,
	'delete-workspace': DeleteWorkspaceSchema,
}
export type MembersPageIntent = keyof typeof MEMBERS_PAGE_SCHEMAS
