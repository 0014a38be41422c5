/**
 * A browser's cookie jar for route tests: what each response set (or
 * expired) is sent with the next request. Tests that follow one browser
 * through several steps need it: Better Auth replaces the session cookie on
 * some of them (two-factor verification, a password change).
 */
export class CookieJar {
	cookies = new Map<string, string>()

	take(response: Response) {
		for (const cookie of response.headers.getSetCookie()) {
			const [pair = ''] = cookie.split(';')
			const name = pair.slice(0, pair.indexOf('='))
			const value = pair.slice(pair.indexOf('=') + 1)
			if (!value || /max-age=0/i.test(cookie)) this.cookies.delete(name)
			else this.cookies.set(name, value)
		}
		return response
	}

	/** The Cookie request header. */
	get header() {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
	}
}
