// @ts-check
/**
 * The command line: which command, its arguments and options, checked before
 * anything is read or sent. A wrong command line is a UsageError (exit 2).
 */
import { parseArgs } from 'node:util'
import { UsageError } from './errors.mjs'

export const DEFAULT_APP_URL = 'http://localhost:5173'
export const STATUSES = ['all', 'active', 'completed']
export const PRIORITIES = ['low', 'normal', 'high']

/** Every option of every command (parseArgs needs them all; each command then accepts its own). */
const OPTIONS = /** @type {const} */ ({
	help: { type: 'boolean', short: 'h' },
	version: { type: 'boolean' },
	url: { type: 'string' },
	json: { type: 'boolean' },
	'read-only': { type: 'boolean' },
	status: { type: 'string' },
	search: { type: 'string' },
	due: { type: 'string' },
	priority: { type: 'string' },
})

/** The options each command accepts, besides --help, --version and --url. */
const COMMAND_OPTIONS = {
	login: ['read-only'],
	logout: [],
	list: ['status', 'search', 'json'],
	add: ['due', 'priority', 'json'],
	done: ['json'],
	help: [],
}

/**
 * @typedef {{
 *   command: 'login' | 'logout' | 'list' | 'add' | 'done' | 'help' | 'version',
 *   url?: string,
 *   json: boolean,
 *   readOnly: boolean,
 *   status?: string,
 *   search?: string,
 *   title?: string,
 *   id?: string,
 *   due?: string,
 *   priority?: string,
 * }} Invocation
 */

/**
 * @param {string[]} argv the arguments after `taskwell`
 * @returns {Invocation}
 */
export function parseCommandLine(argv) {
	/** @type {ReturnType<typeof parseArgs<{ options: typeof OPTIONS, allowPositionals: true, strict: true }>>} */
	let parsed
	try {
		parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
	} catch (error) {
		throw new UsageError(parseArgsMessage(/** @type {Error & { code?: string }} */ (error)))
	}
	const { values, positionals } = parsed
	const [name, ...rest] = positionals
	const base = { url: values.url, json: values.json ?? false, readOnly: values['read-only'] ?? false }
	if (values.help) return { ...base, command: 'help' }
	if (values.version) return { ...base, command: 'version' }
	if (name === undefined || name === 'help') return { ...base, command: 'help' }
	if (!Object.hasOwn(COMMAND_OPTIONS, name)) throw new UsageError(`Unknown command: ${name}`)
	const command = /** @type {keyof typeof COMMAND_OPTIONS} */ (name)
	const allowed = new Set(['help', 'version', 'url', ...COMMAND_OPTIONS[command]])
	for (const option of Object.keys(values)) {
		if (!allowed.has(option)) throw new UsageError(`${command} has no option --${option}`)
	}
	if (values.url !== undefined) checkUrl(values.url, '--url')

	switch (command) {
		case 'login':
		case 'logout':
			if (rest.length > 0) throw new UsageError(`${command} takes no arguments (got ${JSON.stringify(rest[0])})`)
			return { ...base, command }
		case 'list': {
			if (rest.length > 0) throw new UsageError(`list takes no arguments (got ${JSON.stringify(rest[0])}); search with --search TEXT`)
			if (values.status !== undefined && !STATUSES.includes(values.status)) {
				throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`)
			}
			return { ...base, command, status: values.status ?? 'all', search: values.search }
		}
		case 'add': {
			const title = rest.join(' ').trim()
			if (title === '') throw new UsageError('add needs a title, as in: taskwell add "Buy milk"')
			if (values.due !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.due)) throw new UsageError('--due must be a date, YYYY-MM-DD')
			if (values.priority !== undefined && !PRIORITIES.includes(values.priority)) {
				throw new UsageError(`--priority must be one of ${PRIORITIES.join(', ')}`)
			}
			return { ...base, command, title, due: values.due, priority: values.priority }
		}
		case 'done': {
			if (rest.length !== 1 || rest[0] === '') throw new UsageError('done needs one task id (taskwell list shows them)')
			return { ...base, command, id: rest[0] }
		}
		default:
			return { ...base, command: 'help' }
	}
}

/**
 * parseArgs's message, without its advice about `--` unless it applies.
 * @param {Error & { code?: string }} error
 */
function parseArgsMessage(error) {
	const message = error.message.replace(/\.$/, '')
	if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message.split('. ')[0] ?? message
	return message
}

/**
 * An app URL: http(s), without credentials, query or fragment.
 * @param {string} value
 * @param {string} from where it came from (`--url`, `TASKWELL_URL`), for the message
 * @returns {string} the URL without a trailing slash
 */
export function checkUrl(value, from) {
	/** @type {URL} */
	let url
	try {
		url = new URL(value)
	} catch {
		throw new UsageError(`${from} must be the app's address, like https://taskwell.example.com (got ${JSON.stringify(value)})`)
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${from} must be an http or https address`)
	if (url.username || url.password || url.search || url.hash) {
		throw new UsageError(`${from} must be the app's address alone, without a user name, query or fragment`)
	}
	return url.href.replace(/\/+$/, '')
}

/**
 * The usage text.
 * @param {string} credentialsFile where the credentials are kept
 */
export function usage(credentialsFile) {
	return `Usage: taskwell <command> [options]

Your Taskwell tasks from the command line.

Commands:
  login [--read-only]        Sign in through your browser (--read-only: it may only read tasks)
  list [--status S] [--search TEXT] [--json]
                             List your tasks (S: all, active or completed; default all)
  add TITLE [--due YYYY-MM-DD] [--priority low|normal|high] [--json]
                             Add a task
  done ID [--json]           Mark a task completed (taskwell list shows the ids)
  logout                     Sign out, and revoke this computer's sign-in
  help                       Show this help

Options:
  --url URL                  The Taskwell app (default: $TASKWELL_URL, else the one you signed in to,
                             else ${DEFAULT_APP_URL})
  --json                     Print JSON instead of text
  -h, --help                 Show this help
  --version                  Print the version

Your sign-in is kept in ${credentialsFile}
(set TASKWELL_CONFIG_DIR to keep it elsewhere). Exit codes: 0 ok, 1 failure, 2 usage error.`
}
