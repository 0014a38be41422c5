/**
 * The pages an emailed link opens (/login/link, /change-email): the GET only
 * shows a button (a mail scanner that follows the link spends nothing); the
 * token goes back in a hidden field of its POST, which uses it once. Never
 * cached, never sent on in a Referer. One loader and one action helper for
 * every such page (/verify-email reads its token the same way).
 */
import { data } from 'react-router'
import { ThrottledError, throttleMessage } from '#app/lib/throttle.server.ts'
import { EmailedTokenSchema } from './schemas.ts'

export const TOKEN_PAGE_HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

/** The link's token from the page's URL (bounded), or null. */
export function emailedToken(request: Request): string | null {
	return new URL(request.url).searchParams.get('token')?.slice(0, 4096) || null
}

/** The page's loader: the link's token, for the form's hidden field. */
export function tokenPageLoader(request: Request) {
	return data({ token: emailedToken(request) }, { headers: TOKEN_PAGE_HEADERS })
}

/**
 * The page's action: the token from the hidden field goes to `spend`, which
 * answers with where to go next (a redirect) or why the link did not work
 * (a key of `problems`). A missing or malformed token is `problems.invalid`.
 * Every problem is the page again with its message (400); a throttled use,
 * the wait (429, Retry-After).
 */
export async function tokenLinkAction<Problem extends string>(
	request: Request,
	spend: (token: string) => Promise<Response | Problem>,
	problems: Record<Problem | 'invalid', string>,
) {
	const parsed = EmailedTokenSchema.safeParse({ token: (await request.formData()).get('token') ?? undefined })
	try {
		const outcome = parsed.success ? await spend(parsed.data.token) : 'invalid'
		if (outcome instanceof Response) return outcome
		return data({ problem: problems[outcome] }, { status: 400, headers: TOKEN_PAGE_HEADERS })
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		return data(
			{ problem: throttleMessage(error.retryAfterSeconds) },
			{ status: 429, headers: { ...TOKEN_PAGE_HEADERS, 'Retry-After': String(error.retryAfterSeconds) } },
		)
	}
}
