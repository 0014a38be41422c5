// @ts-check
/**
 * The commands: login (RFC 8628 device authorization), logout (revocation),
 * and list, add and done on the task API with a short-lived access token
 * that the stored refresh credential is exchanged for on each run.
 */
import { randomUUID } from 'node:crypto'
import { CliError, registerSecret, terminalSafe } from './errors.mjs'
import { checkUrl, DEFAULT_APP_URL } from './args.mjs'
import { credentialsPath, deleteCredentials, readCredentials, saveCredentials } from './config.mjs'
import {
	discover,
	exchange,
	networkReason,
	postJson,
	readJson,
	retryAfterSeconds,
	send,
	sleep,
	taskApi,
	tooManyRequests,
	unexpected,
} from './http.mjs'

export const NOT_SIGNED_IN = 'Not signed in. Run taskwell login.'
export const DENIED = 'Sign-in was denied in the browser.'
export const CODE_EXPIRED = 'The code has expired. Run taskwell login again.'
const SCOPE_READ_WRITE = 'tasks:read tasks:write'
const SCOPE_READ = 'tasks:read'
/** The list follows the cursor for at most this many pages of 100. */
const LIST_MAX_PAGES = 10
const LIST_PAGE_SIZE = 100

/**
 * @typedef {import('./errors.mjs').Output} Output
 * @typedef {import('./args.mjs').Invocation} Invocation
 * @typedef {import('./config.mjs').Credentials} Credentials
 * @typedef {{ output: Output, env: NodeJS.ProcessEnv, dir: string }} Context
 * @typedef {{ id: string, title: string, completed: boolean, dueDate: string | null, priority: string }} Task
 */

/**
 * --url, else $TASKWELL_URL, or undefined.
 * @param {Invocation} invocation
 * @param {NodeJS.ProcessEnv} env
 */
function chosenUrl(invocation, env) {
	if (invocation.url !== undefined) return checkUrl(invocation.url, '--url')
	if (env.TASKWELL_URL) return checkUrl(env.TASKWELL_URL, 'TASKWELL_URL')
	return undefined
}

/** @param {string} appUrl */
function isLoopback(appUrl) {
	const { hostname } = new URL(appUrl)
	return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname)
}

/**
 * taskwell login: the device authorization grant (RFC 8628).
 * @param {Context} context
 * @param {Invocation} invocation
 */
export async function login({ output, env, dir }, invocation) {
	const previous = await readCredentials(dir).catch(() => null)
	const appUrl = chosenUrl(invocation, env) ?? (previous ? checkUrl(previous.app_url, credentialsPath(dir)) : DEFAULT_APP_URL)
	if (new URL(appUrl).protocol === 'http:' && !isLoopback(appUrl)) {
		output.err(`Warning: ${appUrl} is not https: your sign-in would travel unencrypted.`)
	}
	const discovery = await discover(appUrl)
	const scope = invocation.readOnly ? SCOPE_READ : SCOPE_READ_WRITE

	const started = await postJson(discovery.device_authorization_endpoint, { client_id: discovery.client_id, scope }, appUrl)
	if (started.status === 429) throw tooManyRequests(started)
	const grant = await readJson(started)
	if (!started.ok) throw new CliError(oauthMessage(grant) ?? unexpected(started, 'the sign-in request').message)
	if (
		typeof grant?.device_code !== 'string' ||
		typeof grant.user_code !== 'string' ||
		typeof grant.verification_uri !== 'string' ||
		typeof grant.expires_in !== 'number'
	) {
		throw unexpected(started, 'the sign-in request')
	}
	registerSecret(grant.device_code)

	output.out(`To sign in, open ${terminalSafe(grant.verification_uri)} and enter the code: ${terminalSafe(grant.user_code)}`)
	if (typeof grant.verification_uri_complete === 'string') output.out(`(or open ${terminalSafe(grant.verification_uri_complete)})`)
	output.err('Waiting for you to allow it…')

	const deadline = Date.now() + grant.expires_in * 1000
	let interval = typeof grant.interval === 'number' && grant.interval > 0 ? grant.interval : 5
	let wait = interval
	for (;;) {
		await sleep(Math.min(wait * 1000, Math.max(0, deadline - Date.now())))
		if (Date.now() >= deadline) throw new CliError(CODE_EXPIRED)
		wait = interval
		const response = await postJson(
			discovery.device_token_endpoint,
			{ device_code: grant.device_code, client_id: discovery.client_id },
			appUrl,
		)
		const body = await readJson(response)
		if (response.status === 200) {
			if (typeof body?.refresh_token !== 'string' || body.refresh_token === '') throw unexpected(response, 'the sign-in')
			registerSecret(body.refresh_token)
			await saveCredentials(dir, {
				app_url: appUrl,
				refresh_token: body.refresh_token,
				scope: typeof body.scope === 'string' ? body.scope : scope,
				created_at: new Date().toISOString(),
			})
			output.out('Signed in.')
			// The credential this one replaces would stay valid, unused: revoke it (best effort).
			if (previous && previous.refresh_token !== body.refresh_token) await revokeQuietly(previous)
			return
		}
		if (response.status === 429) {
			wait = retryAfterSeconds(response) ?? interval
			continue
		}
		if (response.status !== 400 && response.status !== 401) throw unexpected(response, 'the sign-in')
		switch (body?.error) {
			case 'authorization_pending':
				continue
			case 'slow_down':
				interval += 5
				wait = interval
				continue
			case 'access_denied':
				throw new CliError(DENIED)
			case 'expired_token':
				throw new CliError(CODE_EXPIRED)
			default:
				throw new CliError(oauthMessage(body) ?? 'Sign-in failed. Run taskwell login again.')
		}
	}
}

/**
 * An OAuth error answer's description (or its error code), if any.
 * @param {any} body
 */
function oauthMessage(body) {
	if (typeof body?.error_description === 'string' && body.error_description) return terminalSafe(body.error_description)
	if (typeof body?.error === 'string' && body.error) return `Sign-in failed (${terminalSafe(body.error)}). Run taskwell login again.`
	return undefined
}

/**
 * Revokes a credential at its app, ignoring any failure.
 * @param {Credentials} credentials
 */
async function revokeQuietly(credentials) {
	try {
		const discovery = await discover(credentials.app_url)
		await send(
			discovery.revocation_endpoint,
			{ method: 'POST', headers: { authorization: `Bearer ${credentials.refresh_token}` }, redirect: 'manual' },
			credentials.app_url,
		)
	} catch {
		// It can still be revoked in Settings → Access tokens.
	}
}

/**
 * taskwell logout: revokes the credential at the app, then deletes it here
 * (even when the app cannot be reached: the user asked for it to be gone).
 * @param {Context} context
 * @param {Invocation} invocation
 */
export async function logout({ output, env, dir }, invocation) {
	const appUrl = chosenUrl(invocation, env)
	const credentials = await readCredentials(dir).catch(async (error) => {
		// A damaged file holds nothing usable: remove it.
		await deleteCredentials(dir)
		output.err(error.message.replace(/ Run taskwell login again\.$/, ''))
		return null
	})
	if (!credentials) {
		output.out('Not signed in.')
		return
	}
	checkSameApp(credentials, appUrl)
	registerSecret(credentials.refresh_token)
	let failure
	try {
		const discovery = await discover(credentials.app_url)
		const response = await send(
			discovery.revocation_endpoint,
			{ method: 'POST', headers: { authorization: `Bearer ${credentials.refresh_token}` }, redirect: 'manual' },
			credentials.app_url,
		)
		// 401: the app no longer knows it (already revoked or expired).
		if (!response.ok && response.status !== 401) failure = `Taskwell answered ${response.status}`
	} catch (error) {
		failure = error instanceof CliError ? error.message.replace(/\.$/, '') : networkReason(error)
	}
	await deleteCredentials(dir)
	if (failure) {
		output.err(`Could not revoke the sign-in at the server: ${failure}.`)
		output.err('It may still be listed in Settings → Access tokens, where you can revoke it.')
		output.out('Signed out.')
		throw new CliError('', 1)
	}
	output.out('Signed out.')
}

/**
 * A --url or TASKWELL_URL other than the signed-in app is refused: the
 * credential is only ever sent to the app that issued it.
 * @param {Credentials} credentials
 * @param {string | undefined} appUrl
 */
function checkSameApp(credentials, appUrl) {
	if (appUrl !== undefined && appUrl !== credentials.app_url.replace(/\/+$/, '')) {
		throw new CliError(`You are signed in to ${credentials.app_url}, not ${appUrl}. Run taskwell login --url ${appUrl} to switch.`)
	}
}

/**
 * The task API, with an access token for this run.
 * @param {Context} context
 * @param {Invocation} invocation
 */
async function signedIn({ env, dir }, invocation) {
	const appUrl = chosenUrl(invocation, env)
	const credentials = await readCredentials(dir)
	if (!credentials) throw new CliError(NOT_SIGNED_IN)
	checkSameApp(credentials, appUrl)
	registerSecret(credentials.refresh_token)
	const discovery = await discover(credentials.app_url)
	const accessToken = await exchange(discovery, credentials.refresh_token, credentials.app_url)
	return taskApi(discovery.task_api_url, accessToken)
}

/**
 * One line of `taskwell list`.
 * @param {Task} task
 */
export function taskLine(task) {
	const details = []
	if (task.dueDate) details.push(`due ${task.dueDate}`)
	if (task.priority && task.priority !== 'normal') details.push(`${task.priority} priority`)
	const extra = details.length > 0 ? ` (${details.join(', ')})` : ''
	return `${task.completed ? '[x]' : '[ ]'} ${terminalSafe(task.title)}${extra}  id: ${task.id}`
}

/**
 * taskwell list
 * @param {Context} context
 * @param {Invocation} invocation
 */
export async function list(context, invocation) {
	const call = await signedIn(context, invocation)
	/** @type {Task[]} */
	const tasks = []
	let cursor = null
	for (let page = 0; page < LIST_MAX_PAGES; page++) {
		const query = new URLSearchParams({ status: invocation.status ?? 'all', limit: String(LIST_PAGE_SIZE) })
		if (invocation.search) query.set('q', invocation.search)
		if (cursor) query.set('cursor', cursor)
		const answer = await call('GET', `/v1/tasks?${query}`)
		if (!Array.isArray(answer?.items)) throw new CliError('The task API answered a list the CLI does not understand.')
		tasks.push(...answer.items)
		cursor = typeof answer.nextCursor === 'string' ? answer.nextCursor : null
		if (!cursor) break
	}
	if (cursor) context.output.err(`Only the first ${tasks.length} tasks are shown; narrow the list with --status or --search.`)
	if (invocation.json) return context.output.out(JSON.stringify(tasks, null, 2))
	if (tasks.length === 0) return context.output.out('No tasks.')
	for (const task of tasks) context.output.out(taskLine(task))
}

/**
 * taskwell add
 * @param {Context} context
 * @param {Invocation} invocation
 */
export async function add(context, invocation) {
	const call = await signedIn(context, invocation)
	/** @type {Record<string, string>} */
	const body = { title: invocation.title ?? '' }
	if (invocation.due) body.dueDate = invocation.due
	if (invocation.priority) body.priority = invocation.priority
	// The same key on a retry: the task is created once.
	const task = await call('POST', '/v1/tasks', { body, headers: { 'Idempotency-Key': randomUUID() }, retryOnce: true })
	if (invocation.json) return context.output.out(JSON.stringify(task, null, 2))
	context.output.out(`Added: ${terminalSafe(task?.title)} (${task?.id})`)
}

/**
 * taskwell done
 * @param {Context} context
 * @param {Invocation} invocation
 */
export async function done(context, invocation) {
	const call = await signedIn(context, invocation)
	const task = await call('PATCH', `/v1/tasks/${encodeURIComponent(invocation.id ?? '')}`, { body: { completed: true } })
	if (invocation.json) return context.output.out(JSON.stringify(task, null, 2))
	context.output.out(`Done: ${terminalSafe(task?.title)}`)
}
