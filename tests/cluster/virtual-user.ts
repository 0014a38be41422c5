/**
 * A user of the cluster test: plain HTTP with a cookie jar, no browser, no
 * JavaScript. It signs up through the real /signup form, then keeps adding
 * tasks through the real add form on /tasks (every field the server renders
 * in it, hidden ones included), following each redirect like a browser.
 *
 * Every request is recorded (phase, what, status, ok) for the figures; every
 * add gets a title of its own so the database can be checked per add.
 */

/** Session cookies of one user, for one origin (the load balancer). */
export class CookieJar {
	private readonly cookies = new Map<string, string>()

	header(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
	}

	store(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair = '', ...attributes] = line.split(';')
			const equals = pair.indexOf('=')
			if (equals < 1) continue
			const name = pair.slice(0, equals).trim()
			const value = pair.slice(equals + 1).trim()
			const expired = attributes.some((attribute) => {
				const [key = '', val = ''] = attribute.split('=').map((part) => part.trim())
				if (key.toLowerCase() === 'max-age') return Number(val) <= 0
				if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now()
				return false
			})
			if (expired || value === '') this.cookies.delete(name)
			else {
				this.cookies.set(name, value)
				const decoded = decodeURIComponent(value)
				this.seen.add(decoded)
				if (decoded.includes('.')) this.seen.add(decoded.slice(0, decoded.indexOf('.')))
			}
		}
	}

	/** Every cookie value this user ever held, and the session token inside each (before its signature). */
	readonly seen = new Set<string>()

	has(namePart: string): boolean {
		return [...this.cookies.keys()].some((name) => name.includes(namePart))
	}
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
function decodeEntities(value: string): string {
	return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
		if (entity[0] === '#') {
			const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10)
			return String.fromCodePoint(code)
		}
		return ENTITIES[entity.toLowerCase()] ?? whole
	})
}

function attributes(tag: string): Record<string, string> {
	const result: Record<string, string> = {}
	for (const match of tag.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
		const name = match[1]!.toLowerCase()
		result[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '')
	}
	return result
}

/**
 * The fields a browser would submit from the form with this id, as rendered
 * (inputs with their value; a select's selected option). Textareas and
 * unchecked boxes are left out; the caller fills the visible fields it needs.
 */
export function formFields(html: string, formId: string): URLSearchParams | null {
	const start = html.search(new RegExp(`<form\\b[^>]*\\bid="${formId}"`))
	if (start < 0) return null
	const end = html.indexOf('</form>', start)
	const form = html.slice(start, end < 0 ? undefined : end)
	const fields = new URLSearchParams()
	for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
		const attrs = attributes(tag.slice('<input'.length, -1))
		if (!attrs.name || 'disabled' in attrs) continue
		const type = (attrs.type ?? 'text').toLowerCase()
		if ((type === 'checkbox' || type === 'radio') && !('checked' in attrs)) continue
		if (type === 'submit' || type === 'button' || type === 'file') continue
		fields.append(attrs.name, attrs.value ?? '')
	}
	for (const match of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
		const attrs = attributes(match[1]!)
		if (!attrs.name) continue
		const options = [...match[2]!.matchAll(/<option\b([^>]*)>/g)].map((option) => attributes(option[1]!))
		const chosen = options.find((option) => 'selected' in option) ?? options[0]
		if (chosen) fields.append(attrs.name, chosen.value ?? '')
	}
	return fields
}

export type RequestRecord = {
	user: number
	phase: string
	what: 'sign-up' | 'page' | 'add'
	status: number | 'error'
	ok: boolean
	at: number
}

/** phase: where it was acknowledged (or attempted, when it never was). */
export type AddRecord = { title: string; acknowledged: boolean; attempts: number; phase: string }

export type SharedState = {
	/** The phase requests are attributed to (changes while users run). */
	phase: string
	stopped: boolean
	requests: RequestRecord[]
	/** Why requests that got no answer failed (ECONNRESET, TimeoutError, …). */
	errors: string[]
	adds: AddRecord[]
	/** Names of the fields the add form rendered (the first time one was read). */
	addFormFields?: string[]
	/** Every time a user was sent to /login (signed out), with where. */
	signOuts: { user: number; phase: string; what: string; at: number }[]
}

const REQUEST_TIMEOUT_MS = 15_000
/** A user resubmits a failed add (same form, same fields) at most this often. */
const MAX_RESUBMITS = 3

export class VirtualUser {
	readonly jar = new CookieJar()
	readonly email: string
	/** Sent to /login once: a person would now have to sign in again. */
	signedOut = false
	private lastPage: string | null = null
	private counter = 0

	constructor(
		readonly id: number,
		private readonly baseUrl: string,
		private readonly runId: string,
		private readonly state: SharedState,
		private readonly thinkMs: number,
	) {
		this.email = `cluster-${runId}-user${id}@example.test`
	}

	private async request(
		what: RequestRecord['what'],
		path: string,
		init: { method?: string; body?: URLSearchParams } = {},
	): Promise<{ status: number | 'error'; location: string | null; html: string }> {
		const headers: Record<string, string> = { accept: 'text/html' }
		const cookie = this.jar.header()
		if (cookie) headers.cookie = cookie
		if (init.body) {
			headers['content-type'] = 'application/x-www-form-urlencoded'
			headers.origin = new URL(this.baseUrl).origin
		}
		let status: number | 'error' = 'error'
		let location: string | null = null
		let html = ''
		try {
			const response = await fetch(new URL(path, this.baseUrl), {
				method: init.method ?? 'GET',
				headers,
				body: init.body,
				redirect: 'manual',
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
			})
			this.jar.store(response)
			status = response.status
			location = response.headers.get('location')
			html = await response.text()
		} catch (error) {
			status = 'error'
			const cause = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.name) : 'unknown'
			this.state.errors.push(cause)
			if (process.env.CLUSTER_DEBUG) console.log(`user ${this.id} ${init.method ?? 'GET'} ${path}: ${cause} at ${new Date().toISOString()}`)
		}
		// A request counts in the phase it ended in: one cut off by a kill
		// belongs to the kill.
		const phase = this.state.phase
		const redirect = typeof status === 'number' && status >= 300 && status < 400
		const toLogin = redirect && location !== null && new URL(location, this.baseUrl).pathname === '/login'
		if (toLogin) this.signedOut = true
		if (toLogin) this.state.signOuts.push({ user: this.id, phase, what: `${init.method ?? 'GET'} ${path}`, at: Date.now() })
		const ok = typeof status === 'number' && !toLogin && (status === 200 || (redirect && what !== 'page'))
		this.state.requests.push({ user: this.id, phase, what, status, ok, at: Date.now() })
		return { status, location, html }
	}

	/** Signs up through the form; throws when the account cannot be made. */
	async signUp(): Promise<void> {
		const page = await this.request('sign-up', '/signup')
		const fields = formFields(page.html, 'signup') ?? new URLSearchParams()
		fields.set('name', `Cluster user ${this.id}`)
		fields.set('email', this.email)
		fields.set('password', `cluster-pass-${this.runId}`)
		fields.set('confirmPassword', `cluster-pass-${this.runId}`)
		const response = await this.request('sign-up', '/signup', { method: 'POST', body: fields })
		if (response.status !== 302 && response.status !== 303) {
			throw new Error(`user ${this.id}: sign-up answered ${response.status}`)
		}
		if (!this.jar.has('session_token')) throw new Error(`user ${this.id}: sign-up set no session cookie`)
		this.lastPage = response.location
	}

	/** GET a page until it renders the add form (bounded). */
	private async addForm(): Promise<URLSearchParams | null> {
		for (let attempt = 0; attempt < 10 && !this.state.stopped && !this.signedOut; attempt++) {
			const path = this.lastPage && this.lastPage.startsWith('/tasks') ? this.lastPage : '/tasks'
			this.lastPage = null
			const page = await this.request('page', path)
			if (page.status === 200) {
				const fields = formFields(page.html, 'add-task')
				if (fields) {
					this.state.addFormFields ??= [...new Set(fields.keys())]
					return fields
				}
			}
			if (page.status === 302 || page.status === 303) return null // signed out: recorded
			await sleep(Math.min(this.thinkMs, 500))
		}
		return null
	}

	/** One add: a fresh form, a unique title, resubmitted (same fields) after a failure. */
	async addOneTask(): Promise<void> {
		const fields = await this.addForm()
		if (!fields) return
		this.counter += 1
		const title = `cluster-${this.runId}-u${this.id}-${this.counter}`
		fields.set('title', title)
		fields.set('priority', 'normal')
		const add: AddRecord = { title, acknowledged: false, attempts: 0, phase: this.state.phase }
		while (add.attempts < 1 + MAX_RESUBMITS && !this.state.stopped && !this.signedOut) {
			// Attempted = posted at least once.
			if (add.attempts === 0) this.state.adds.push(add)
			add.attempts += 1
			const response = await this.request('add', '/tasks', { method: 'POST', body: fields })
			if ((response.status === 302 || response.status === 303) && response.location) {
				if (new URL(response.location, this.baseUrl).pathname === '/login') return
				add.acknowledged = true
				add.phase = this.state.phase
				this.lastPage = response.location
				return
			}
			await sleep(Math.min(this.thinkMs, 500))
		}
	}

	/** Adds tasks until stopped, at most `maxAdds`. */
	async run(maxAdds: number): Promise<void> {
		for (let i = 0; i < maxAdds && !this.state.stopped && !this.signedOut; i++) {
			await this.addOneTask()
			await sleep(this.thinkMs)
		}
	}

	/** The final check: what GET /tasks answers with this user's cookie (200 = still signed in). */
	async finalTasksStatus(): Promise<string> {
		try {
			const response = await fetch(new URL('/tasks', this.baseUrl), {
				headers: { cookie: this.jar.header(), accept: 'text/html' },
				redirect: 'manual',
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
			})
			const location = response.headers.get('location')
			if (location) {
				await response.body?.cancel()
				return `${response.status} → ${new URL(location, this.baseUrl).pathname}`
			}
			if (response.status === 200) {
				await response.body?.cancel()
				return '200'
			}
			return `${response.status}${whose503(await response.text())}`
		} catch (error) {
			return error instanceof Error ? error.name : 'error'
		}
	}
}

/**
 * Which part answered a failed page, for the report: HAProxy (no instance
 * up), the app's "having trouble" (its database failed), or the tasks page
 * saying the task API could not be reached.
 */
function whose503(body: string): string {
	if (body.includes('No server is available')) return ' (HAProxy: no server)'
	if (body.includes('Taskwell is temporarily unavailable')) return ' (app: database trouble)'
	if (body.includes('Your tasks could not be reached')) return ' (app: task API unavailable)'
	return ''
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
