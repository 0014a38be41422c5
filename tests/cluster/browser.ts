/**
 * A person's browser without JavaScript, for the cluster test's rounds that
 * need to talk to one app instance on purpose (workspace-check.ts,
 * suspension-check.ts): the virtual users go through HAProxy, which hides
 * which instance answered; a round that shows something crossing from one
 * instance to the other must pick each instance itself.
 */
import { request } from 'undici'
import { CookieJar, formFields } from './virtual-user.ts'

export type PageAnswer = { status: number; html: string; location: string | null }

/** A cookie jar and form posts to one app instance (jars can be shared: the same person on another instance). */
export class Browser {
	constructor(
		private readonly instanceUrl: string,
		/** BETTER_AUTH_URL (the load balancer): what a browser's Origin header says. */
		private readonly publicOrigin: string,
		readonly jar = new CookieJar(),
	) {}

	/**
	 * GET a page. With `cookie`, that Cookie header is sent as it is and the
	 * answer's Set-Cookie is not kept: the same credentials, request after
	 * request, whatever the server says to forget.
	 */
	async get(pathname: string, options: { cookie?: string } = {}): Promise<PageAnswer> {
		return this.send(pathname, undefined, options.cookie)
	}

	async post(pathname: string, fields: URLSearchParams): Promise<PageAnswer> {
		return this.send(pathname, fields)
	}

	/**
	 * Straight to the instance, with the Host header HAProxy would forward
	 * (the public one): undici's request, as fetch() replaces Host.
	 */
	private async send(pathname: string, body?: URLSearchParams, fixedCookie?: string): Promise<PageAnswer> {
		const headers: Record<string, string> = { accept: 'text/html', host: new URL(this.publicOrigin).host }
		const cookie = fixedCookie ?? this.jar.header()
		if (cookie) headers.cookie = cookie
		if (body) {
			headers['content-type'] = 'application/x-www-form-urlencoded'
			headers.origin = this.publicOrigin
		}
		const response = await request(new URL(pathname, this.instanceUrl), {
			method: body ? 'POST' : 'GET',
			headers,
			body: body?.toString(),
			signal: AbortSignal.timeout(15_000),
		})
		if (fixedCookie === undefined) {
			const setCookies = new Headers()
			for (const line of [response.headers['set-cookie'] ?? []].flat()) setCookies.append('set-cookie', line)
			this.jar.store(new Response(null, { headers: setCookies }))
		}
		const location = response.headers.location
		return { status: response.statusCode, html: await response.body.text(), location: typeof location === 'string' ? location : null }
	}
}

/** The redirect's Location; throws with what the page said when the answer is not a redirect. */
export function expectRedirect(what: string, answer: PageAnswer): string {
	if (answer.status !== 302 && answer.status !== 303) {
		// What the page said (its alerts and field errors), for the failure message.
		const said = [...answer.html.matchAll(/<(?:p|div|ul)[^>]*(?:role="alert"|class="[^"]*error[^"]*")[^>]*>([\s\S]*?)<\/(?:p|div|ul)>/g)]
			.map((match) =>
				match[1]!
					.replace(/<[^>]+>/g, ' ')
					.replace(/\s+/g, ' ')
					.trim(),
			)
			.filter(Boolean)
		throw new Error(`${what}: answered ${answer.status}, not a redirect${said.length ? ` (${said.join(' | ').slice(0, 300)})` : ''}`)
	}
	return answer.location!
}

/** Signs up through the /signup form (loopback BETTER_AUTH_URL: signed in at once, no confirmation needed). */
export async function signUp(browser: Browser, name: string, email: string, password: string) {
	const page = await browser.get('/signup')
	const fields = formFields(page.html, 'signup') ?? new URLSearchParams()
	for (const [key, value] of Object.entries({ name, email, password, confirmPassword: password })) fields.set(key, value)
	expectRedirect(`sign-up of ${email}`, await browser.post('/signup', fields))
}
