/**
 * One-time notices after an action ("Task added.", "Task deleted." with
 * Undo), as the Epic Stack's toast: the action puts the notice in a signed,
 * HttpOnly, short-lived cookie; the next render (the root loader) reads it
 * and clears it, so a notice is shown once and never lingers in the URL.
 * The root layout announces it in one persistent aria-live region.
 */
import { createCookieSessionStorage } from 'react-router'
import { z } from 'zod'
import { resolveAuthSecret } from '#app/lib/auth/secret.server.ts'
import { parseSecrets } from '#app/lib/auth/better-auth.server.ts'
import { getEnv } from './env.server.ts'

const FLASH_COOKIE = 'taskwell_flash'
/** Long enough for the redirect (or the revalidation) that follows the action. */
const FLASH_MAX_AGE_SECONDS = 60

export const flashSchema = z.object({
	/** New for each notice: the layout shows one notice once. */
	id: z.string(),
	message: z.string(),
	kind: z.enum(['success', 'error']).default('success'),
	/** Deleted tasks the notice offers to restore, until `until` (ms since epoch). */
	undo: z.object({ ids: z.array(z.uuid()).min(1), until: z.number() }).optional(),
})
export type Flash = z.output<typeof flashSchema>
export type FlashInput = Omit<z.input<typeof flashSchema>, 'id'>

function cookieSecrets(): string[] {
	const env = getEnv()
	const versioned = (parseSecrets(env.BETTER_AUTH_SECRETS) ?? []).sort((a, b) => b.version - a.version).map((entry) => entry.value)
	const legacy = env.isDeployed && versioned.length && !env.BETTER_AUTH_SECRET ? [] : [resolveAuthSecret(env)]
	return [...versioned, ...legacy]
}

type FlashStorage = ReturnType<typeof createCookieSessionStorage<Record<string, never>, { flash: Flash }>>
let storage: FlashStorage | undefined
function flashStorage() {
	storage ??= createCookieSessionStorage<Record<string, never>, { flash: Flash }>({
		cookie: {
			name: FLASH_COOKIE,
			httpOnly: true,
			sameSite: 'lax',
			path: '/',
			secure: new URL(getEnv().BETTER_AUTH_URL).protocol === 'https:',
			secrets: cookieSecrets(),
			maxAge: FLASH_MAX_AGE_SECONDS,
		},
	})
	return storage
}

/** The Set-Cookie header that carries `flash` to the next render. */
export async function flashHeaders(request: Request, flash: FlashInput): Promise<Headers> {
	const session = await flashStorage().getSession(request.headers.get('cookie'))
	session.flash('flash', { kind: 'success', ...flash, id: crypto.randomUUID() })
	return new Headers({ 'set-cookie': await flashStorage().commitSession(session) })
}

/**
 * The pending notice, if any, and the header that clears it (null when the
 * request carried no flash cookie: nothing to clear, no Set-Cookie).
 */
export async function readFlash(request: Request): Promise<{ flash: Flash | null; headers: Headers | null }> {
	const cookie = request.headers.get('cookie')
	if (!cookie?.includes(`${FLASH_COOKIE}=`)) return { flash: null, headers: null }
	const session = await flashStorage().getSession(cookie)
	const parsed = flashSchema.safeParse(session.get('flash'))
	return {
		flash: parsed.success ? parsed.data : null,
		headers: new Headers({ 'set-cookie': await flashStorage().destroySession(session) }),
	}
}
