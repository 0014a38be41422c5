// @ts-check
/**
 * Where the CLI keeps its one credential, and how: a directory of its own
 * (0700) holding credentials.json (0600), replaced atomically (a temporary
 * file with mode 0600, then a rename), so no other user of the machine can
 * read it and no reader ever sees half a file.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CliError } from './errors.mjs'

export const CREDENTIALS_FILE = 'credentials.json'

/**
 * What credentials.json holds.
 * @typedef {{ app_url: string, refresh_token: string, scope: string, created_at: string }} Credentials
 */

/**
 * The CLI's configuration directory: $TASKWELL_CONFIG_DIR if set, else
 * $XDG_CONFIG_HOME/taskwell, else ~/.config/taskwell (on Windows
 * %APPDATA%\taskwell).
 * @param {NodeJS.ProcessEnv} [env]
 * @param {NodeJS.Platform} [platform]
 * @param {string} [home]
 */
export function configDir(env = process.env, platform = process.platform, home = os.homedir()) {
	const paths = platform === 'win32' ? path.win32 : path.posix
	if (env.TASKWELL_CONFIG_DIR) return paths.resolve(env.TASKWELL_CONFIG_DIR)
	// The XDG spec ignores a relative XDG_CONFIG_HOME.
	if (env.XDG_CONFIG_HOME && paths.isAbsolute(env.XDG_CONFIG_HOME)) return paths.join(env.XDG_CONFIG_HOME, 'taskwell')
	if (platform === 'win32') return paths.join(env.APPDATA || paths.join(home, 'AppData', 'Roaming'), 'taskwell')
	return paths.join(home, '.config', 'taskwell')
}

/** @param {string} dir */
export function credentialsPath(dir) {
	return path.join(dir, CREDENTIALS_FILE)
}

/**
 * The stored credentials, or null when there are none.
 * @param {string} dir
 * @returns {Promise<Credentials | null>}
 */
export async function readCredentials(dir) {
	const file = credentialsPath(dir)
	let text
	try {
		text = await readFile(file, 'utf8')
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return null
		throw new CliError(`Cannot read ${file}: ${/** @type {Error} */ (error).message}.`)
	}
	/** @type {any} */
	let data
	try {
		data = JSON.parse(text)
	} catch {
		data = null
	}
	if (
		!data ||
		typeof data.app_url !== 'string' ||
		typeof data.refresh_token !== 'string' ||
		data.refresh_token === '' ||
		typeof data.scope !== 'string'
	) {
		throw new CliError(`${file} is damaged. Run taskwell login again.`)
	}
	return { app_url: data.app_url, refresh_token: data.refresh_token, scope: data.scope, created_at: String(data.created_at ?? '') }
}

/**
 * Writes credentials.json (mode 0600) in `dir` (created with mode 0700).
 * @param {string} dir
 * @param {Credentials} credentials
 */
export async function saveCredentials(dir, credentials) {
	const created = await mkdir(dir, { recursive: true, mode: 0o700 })
	// mkdir's mode is masked by the umask: make sure of it on the directory this created.
	if (created !== undefined) await chmod(dir, 0o700)
	const file = credentialsPath(dir)
	const temporary = path.join(dir, `.${CREDENTIALS_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
	try {
		await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
		await chmod(temporary, 0o600)
		await rename(temporary, file)
	} catch (error) {
		await rm(temporary, { force: true })
		throw new CliError(`Cannot save ${file}: ${/** @type {Error} */ (error).message}.`)
	}
	await chmod(file, 0o600)
	return file
}

/** @param {string} dir */
export async function deleteCredentials(dir) {
	await rm(credentialsPath(dir), { force: true })
}
