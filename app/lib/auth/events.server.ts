/**
 * Security events of the flows that finish inside Better Auth's own
 * callback (GET /api/auth/callback/:provider, after the provider's
 * redirect): no app action runs there, so Better Auth's database hooks
 * report them. The client IP is the one the app's resource route put in
 * X-Forwarded-For (authHeaders, honouring TRUST_PROXY).
 */
import type { BetterAuthOptions } from 'better-auth'
import { getOAuthState } from 'better-auth/api'
import { clientIpContext, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from './security-events.server.ts'

type HookContext = {
	path?: string
	params?: Record<string, string>
	request?: Request
	headers?: Headers
	context: { internalAdapter: { findAccounts(userId: string): Promise<unknown[]> } }
} | null

const CALLBACK_PATH = '/callback/:id'

/** The router-context reader recordSecurityEvent needs, from Better Auth's request. */
function contextOf(ctx: NonNullable<HookContext>): { request: Request; context: ContextReader } {
	const headers = ctx.request?.headers ?? ctx.headers ?? new Headers()
	const ip = headers.get('x-forwarded-for')?.split(',')[0]?.trim() || null
	const context = { get: (key: unknown) => (key === clientIpContext ? ip : undefined) } as ContextReader
	return { request: ctx.request ?? new Request('http://taskwell.invalid', { headers }), context }
}

function fromProviderCallback(ctx: HookContext): ctx is NonNullable<HookContext> {
	return ctx?.path === CALLBACK_PATH && typeof ctx.params?.id === 'string'
}

export const securityEventHooks = {
	user: {
		create: {
			after: async (user, ctx) => {
				const hook = ctx as HookContext
				if (!fromProviderCallback(hook)) return
				const { request, context } = contextOf(hook)
				await recordSecurityEvent(request, context, { type: 'sign-up', userId: user.id, method: 'provider', provider: hook.params!.id })
			},
		},
	},
	account: {
		create: {
			after: async (account, ctx) => {
				const hook = ctx as HookContext
				if (!fromProviderCallback(hook) || account.providerId === 'credential') return
				// A link from Settings carries `link` in its state; a sign-in that
				// linked to an existing (verified) account leaves that account with
				// more than this one sign-in method. A new account has only this one.
				const state = await getOAuthState().catch(() => null)
				const accounts = await hook.context.internalAdapter.findAccounts(account.userId)
				if (!state?.link && accounts.length <= 1) return
				const { request, context } = contextOf(hook)
				await recordSecurityEvent(request, context, { type: 'provider-linked', userId: account.userId, provider: account.providerId })
			},
		},
	},
	session: {
		create: {
			after: async (session, ctx) => {
				const hook = ctx as HookContext
				if (!hook) return
				const provider = fromProviderCallback(hook) ? hook.params!.id : null
				const method = provider ? 'provider' : hook.path === '/magic-link/verify' ? 'link' : null
				if (!method) return
				const { request, context } = contextOf(hook)
				await recordSecurityEvent(request, context, { type: 'sign-in', userId: session.userId, sessionId: session.id, method, provider })
			},
		},
	},
} satisfies NonNullable<BetterAuthOptions['databaseHooks']>
