// @ts-check
/**
 * The CLI's failures and how any text reaches the terminal: a failure is a
 * sentence and an exit code (never a stack trace), and nothing printed ever
 * holds a credential.
 */

/** Exit codes: 0 ok, 1 failure, 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** A failure the user is told about in one sentence (or a few lines), then the CLI exits with `exitCode`. */
export class CliError extends Error {
	/**
	 * @param {string} message
	 * @param {number} [exitCode]
	 */
	constructor(message, exitCode = EXIT_FAILURE) {
		super(message)
		this.name = 'CliError'
		this.exitCode = exitCode
	}
}

/** A wrong command line: its message, then a hint to --help; exit 2. */
export class UsageError extends CliError {
	/** @param {string} message */
	constructor(message) {
		super(message, EXIT_USAGE)
		this.name = 'UsageError'
	}
}

/** The secrets this run holds (refresh token, access token, device code): never printed. */
const secrets = new Set()

/** @param {unknown} value */
export function registerSecret(value) {
	if (typeof value === 'string' && value.length >= 8) secrets.add(value)
}

/** Shapes of credentials, for text that came from elsewhere (a server's message). */
const CREDENTIAL_PATTERNS = [/tw_cli_[\w-]+/g, /eyJ[\w-]+\.[\w-]+\.[\w-]*/g]

/** Control characters (escape sequences) and bidirectional overrides: they would act on the terminal, not show. */
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu

/**
 * Text from a server or a task, made safe for a terminal: control characters
 * and bidirectional overrides become spaces, except line breaks when `multiline`.
 * @param {unknown} text
 * @param {{ multiline?: boolean }} [options]
 */
export function terminalSafe(text, { multiline = false } = {}) {
	return String(text).replace(UNPRINTABLE, (character) => (multiline && character === '\n' ? character : ' '))
}

/**
 * `text` without any secret this run holds; with `patterns`, without
 * anything that looks like a Taskwell credential or a JWT either (for error
 * messages, which may quote a server).
 * @param {string} text
 * @param {{ patterns?: boolean }} [options]
 */
export function redact(text, { patterns = false } = {}) {
	let out = text
	for (const secret of secrets) out = out.split(secret).join('[redacted]')
	if (patterns) for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, '[redacted]')
	return out
}

/**
 * Where the CLI writes: stdout for results, stderr for progress and errors.
 * Every line goes through redact().
 * @typedef {{ out: (text: string) => void, err: (text: string) => void }} Output
 */

/** @returns {Output} */
export function processOutput() {
	return {
		out: (text) => void process.stdout.write(`${redact(text)}\n`),
		err: (text) => void process.stderr.write(`${redact(text, { patterns: true })}\n`),
	}
}
