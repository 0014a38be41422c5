// @ts-check
/**
 * The CLI's entry: parse, run one command, turn any failure into a message
 * and an exit code. Never a stack trace.
 */
import { parseCommandLine, usage } from './args.mjs'
import { add, done, list, login, logout } from './commands.mjs'
import { configDir, credentialsPath } from './config.mjs'
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processOutput, UsageError } from './errors.mjs'
import { VERSION } from './http.mjs'

/**
 * Runs `taskwell <argv>`; resolves to the exit code.
 * @param {string[]} argv
 * @param {{ env?: NodeJS.ProcessEnv, output?: import('./errors.mjs').Output }} [options]
 * @returns {Promise<number>}
 */
export async function main(argv, { env = process.env, output = processOutput() } = {}) {
	try {
		const dir = configDir(env)
		const invocation = parseCommandLine(argv)
		const context = { output, env, dir }
		switch (invocation.command) {
			case 'help':
				output.out(usage(credentialsPath(dir)))
				return EXIT_OK
			case 'version':
				output.out(VERSION)
				return EXIT_OK
			case 'login':
				await login(context, invocation)
				return EXIT_OK
			case 'logout':
				await logout(context, invocation)
				return EXIT_OK
			case 'list':
				await list(context, invocation)
				return EXIT_OK
			case 'add':
				await add(context, invocation)
				return EXIT_OK
			case 'done':
				await done(context, invocation)
				return EXIT_OK
		}
	} catch (error) {
		if (error instanceof UsageError) {
			output.err(`taskwell: ${error.message}`)
			output.err('Run taskwell --help for usage.')
			return EXIT_USAGE
		}
		if (error instanceof CliError) {
			if (error.message) output.err(error.message)
			return error.exitCode
		}
		output.err(`taskwell: unexpected error: ${error instanceof Error ? error.message : String(error)}`)
		return EXIT_FAILURE
	}
	return EXIT_OK
}
