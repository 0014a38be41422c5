/**
 * Structured JSON logging (pino) for both services. Anything that could carry
 * a credential is redacted by path, so a careless `log.info({ req })` still
 * leaves no cookie, token or password behind.
 *
 * Errors are scrubbed too: a failed database query (drizzle's
 * DrizzleQueryError, and Better Auth errors wrapping it) carries the query's
 * parameters in its message, stack and `params` — a session token when the
 * session lookup fails. Those values are replaced before anything is written.
 */
import { pino, type DestinationStream, type Logger } from 'pino'

export const REDACTED_PATHS = [
	'password',
	'currentPassword',
	'newPassword',
	'confirmPassword',
	'token',
	'jwt',
	'secret',
	'authorization',
	'cookie',
	'*.password',
	'*.currentPassword',
	'*.newPassword',
	'*.confirmPassword',
	'*.token',
	'*.jwt',
	'*.secret',
	'*.authorization',
	'*.cookie',
	'headers.authorization',
	'headers.cookie',
	'headers["set-cookie"]',
	'req.headers.authorization',
	'req.headers.cookie',
	'res.headers["set-cookie"]',
]

/** "…\nparams: a,b,c" as drizzle writes it, to the end of its line. */
const QUERY_PARAMS = /(^|\n)(\s*params:)[^\n]*/g

/** Removes query parameters from a log message or stack. */
export function scrubQueryParams(text: string): string {
	return text.replace(QUERY_PARAMS, '$1$2 [redacted]')
}

type Serialized = Record<string, unknown>

function scrubSerializedError(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return scrubQueryParams(value)
	if (depth > 8 || typeof value !== 'object' || value === null) return value
	const result: Serialized = {}
	for (const [key, field] of Object.entries(value as Serialized)) {
		result[key] = key === 'params' || key === 'parameters' ? '[redacted]' : scrubSerializedError(field, depth + 1)
	}
	return result
}

/** pino's error serializer, then query parameters scrubbed (causes included). */
export function serializeError(error: unknown): unknown {
	if (!(error instanceof Error)) return scrubSerializedError(error)
	return scrubSerializedError(pino.stdSerializers.errWithCause(error))
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '35' }
/** Fields every line has, or that the pretty line already shows. */
const SHOWN = new Set(['level', 'time', 'service', 'name', 'msg', 'pid', 'hostname', 'err', 'method', 'path', 'status', 'durationMs'])

/**
 * One JSON log line (already redacted and scrubbed) as one line for a
 * person: time, level, service, message, then the other fields as key=value;
 * a request as "GET /tasks 200 12 ms"; an error's stack on the lines after.
 */
export function formatPretty(json: string, color = false): string {
	let entry: Record<string, unknown>
	try {
		entry = JSON.parse(json) as Record<string, unknown>
	} catch {
		return json.endsWith('\n') ? json : `${json}\n`
	}
	const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
	const level = typeof entry.level === 'number' ? entry.level : 30
	const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : ''
	const isRequest = entry.msg === 'request' && typeof entry.method === 'string'
	const message = isRequest
		? `${entry.method} ${entry.path} ${entry.status} ${typeof entry.durationMs === 'number' ? `${Math.round(entry.durationMs)} ms` : ''}`.trimEnd()
		: String(entry.msg ?? '')
	const extras = Object.entries(entry)
		.filter(([key]) => !SHOWN.has(key))
		.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
	const status = typeof entry.status === 'number' ? entry.status : 0
	const head = [
		paint('90', time),
		paint(COLORS[level] ?? '0', (LEVELS[level] ?? String(level)).padEnd(5)),
		paint('36', String(entry.service ?? entry.name ?? '')),
		isRequest && status >= 400 ? paint(status >= 500 ? '31' : '33', message) : message,
		...(extras.length ? [paint('90', extras.join(' '))] : []),
	].join(' ')
	const err = entry.err as { stack?: string; message?: string } | undefined
	const stack = err ? `\n    ${String(err.stack ?? err.message ?? JSON.stringify(err)).replace(/\n/g, '\n    ')}` : ''
	return `${head}${stack}\n`
}

/**
 * Pretty lines (formatPretty) when a person watches: LOG_FORMAT=pretty (what
 * `npm run dev` sets), or unset and stdout is a terminal. JSON otherwise.
 */
export function wantsPrettyLogs(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
	if (env.LOG_FORMAT === 'pretty') return true
	if (env.LOG_FORMAT === 'json') return false
	return isTTY
}

function prettyStdout(): DestinationStream {
	const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
	return { write: (line: string) => void process.stdout.write(formatPretty(line, color)) }
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
	const options = {
		name: service,
		level,
		base: { service },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		serializers: { err: serializeError },
		hooks: {
			// Messages too: libraries log error texts as plain strings.
			logMethod(args: unknown[], method: (...args: unknown[]) => void) {
				method.apply(
					this,
					args.map((arg) => (typeof arg === 'string' ? scrubQueryParams(arg) : arg)),
				)
			},
		},
		timestamp: pino.stdTimeFunctions.isoTime,
	}
	if (destination) return pino(options, destination)
	return wantsPrettyLogs() ? pino(options, prettyStdout()) : pino(options)
}

export type { Logger }
