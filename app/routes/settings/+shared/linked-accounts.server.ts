/**
 * "Linked accounts" in Settings, on the server: the account's sign-in
 * methods ("Password" and each linked provider), linking a provider (the
 * same round trip as a provider sign-in, app/lib/auth/provider-round-trip.server.ts)
 * and unlinking one, never the last.
 */
import { asc, eq } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { redirectToProvider } from '#app/lib/auth/provider-round-trip.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { account as accountTable } from '#app/lib/db/schema.ts'
import { configuredProviders, providerName } from '#app/lib/auth/providers.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { takeAttempt } from '#app/lib/throttle.server.ts'

/** "Link …": the provider round trip, which adds the provider to the signed-in account. */
export async function startProviderLink(request: Request, context: ContextReader, userId: string, provider: string): Promise<Response> {
	await takeAttempt(THROTTLE_RULES.providerLinkPerUser, userId)
	const { headers, response } = await auth.api.linkSocialAccount({
		body: {
			provider,
			callbackURL: `/settings?linked=${encodeURIComponent(provider)}`,
			errorCallbackURL: '/settings',
			disableRedirect: true,
		},
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	if (!response.url) throw new Error('Better Auth returned no authorization URL')
	return redirectToProvider(response.url, headers)
}

export type LinkedAccount = { id: string; providerId: string; name: string }

/**
 * The account's sign-in methods ("Password" and each linked provider), read
 * by user id (like the session list): a page rendered after an action that
 * replaced the session (two-factor enable) still has the old cookie in its
 * request.
 */
export async function listLinkedAccounts(userId: string): Promise<LinkedAccount[]> {
	const rows = await db
		.select({ id: accountTable.id, providerId: accountTable.providerId })
		.from(accountTable)
		.where(eq(accountTable.userId, userId))
		.orderBy(asc(accountTable.createdAt))
	return rows.map((row) => ({ id: row.id, providerId: row.providerId, name: providerName(row.providerId) }))
}

/** The configured providers not linked yet ("Link …" buttons). */
export function linkableProviders(linked: LinkedAccount[]) {
	return configuredProviders().filter((provider) => !linked.some((account) => account.providerId === provider.id))
}

export type UnlinkResult = { ok: true; provider: string } | { ok: false; reason: 'last-method' | 'not-found' | 'sign-in-again' }

/** Removes one sign-in method, never the last one (a password counts as one). */
export async function unlinkProvider(request: Request, context: ContextReader, userId: string, accountId: string): Promise<UnlinkResult> {
	const linked = await listLinkedAccounts(userId)
	const account = linked.find((candidate) => candidate.id === accountId)
	if (!account) return { ok: false, reason: 'not-found' }
	if (linked.length <= 1) return { ok: false, reason: 'last-method' }
	try {
		await auth.api.unlinkAccount({ body: { accountId }, headers: authHeaders(request, context) })
	} catch (error) {
		if (error instanceof APIError && error.body?.code === 'FAILED_TO_UNLINK_LAST_ACCOUNT') return { ok: false, reason: 'last-method' }
		if (error instanceof APIError && error.body?.code === 'SESSION_NOT_FRESH') return { ok: false, reason: 'sign-in-again' }
		throw error
	}
	await recordSecurityEvent(request, context, { type: 'provider-unlinked', userId, provider: account.providerId })
	return { ok: true, provider: account.providerId }
}
