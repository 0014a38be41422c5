/**
 * The command-line client (bin/taskwell.mjs, issue 26) without a server:
 * where it keeps its credential and with which modes, what a wrong command
 * line answers (exit 2), its help, and what it says when not signed in or
 * when the app cannot be reached (exit 1). The flows against the app:
 * tests/e2e/cli.server.spec.ts.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { configDir, readCredentials, saveCredentials } from '../../bin/taskwell/config.mjs'

const CLI = path.resolve('bin/taskwell.mjs')
const REFRESH_TOKEN = 'tw_cli_0123456789abcdefghijklmnopqrstuvwxyz'

const temporaryDirs: string[] = []
function temporaryDir() {
	const dir = mkdtempSync(path.join(tmpdir(), 'taskwell-cli-test-'))
	temporaryDirs.push(dir)
	return dir
}
afterEach(() => {
	for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

type Run = { code: number; stdout: string; stderr: string }

/** Runs `node bin/taskwell.mjs ...args` with its own config dir (and no TASKWELL_URL unless given). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
	const childEnv: NodeJS.ProcessEnv = { ...process.env, TASKWELL_CONFIG_DIR: env.TASKWELL_CONFIG_DIR ?? temporaryDir(), ...env }
	if (!('TASKWELL_URL' in env)) delete childEnv.TASKWELL_URL
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 20_000 }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
			resolve({ code, stdout, stderr })
		})
	})
}

/** A localhost port nothing listens on. */
async function unusedPort(): Promise<number> {
	const server = createServer()
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const address = server.address()
	await new Promise<void>((resolve) => server.close(() => resolve()))
	if (address === null || typeof address === 'string') throw new Error('no port')
	return address.port
}

/** A credentials file as login leaves it, for `appUrl`. */
async function signedInDir(appUrl: string) {
	const dir = temporaryDir()
	await saveCredentials(dir, {
		app_url: appUrl,
		refresh_token: REFRESH_TOKEN,
		scope: 'tasks:read tasks:write',
		created_at: new Date().toISOString(),
	})
	return dir
}

describe('configDir', () => {
	const home = '/home/ada'

	it('is $TASKWELL_CONFIG_DIR when set, whatever else is', () => {
		expect(configDir({ TASKWELL_CONFIG_DIR: '/srv/tw', XDG_CONFIG_HOME: '/xdg', APPDATA: '/appdata' }, 'linux', home)).toBe('/srv/tw')
	})

	it('is $XDG_CONFIG_HOME/taskwell next, when it is absolute', () => {
		expect(configDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', home)).toBe('/xdg/taskwell')
		expect(configDir({ XDG_CONFIG_HOME: 'relative/xdg' }, 'linux', home)).toBe('/home/ada/.config/taskwell')
	})

	it('is ~/.config/taskwell otherwise (empty variables count as unset)', () => {
		expect(configDir({}, 'linux', home)).toBe('/home/ada/.config/taskwell')
		expect(configDir({ TASKWELL_CONFIG_DIR: '', XDG_CONFIG_HOME: '' }, 'darwin', home)).toBe('/home/ada/.config/taskwell')
	})

	it('is %APPDATA%\\taskwell on Windows', () => {
		expect(configDir({ APPDATA: 'C:\\Users\\Ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\Ada')).toBe(
			'C:\\Users\\Ada\\AppData\\Roaming\\taskwell',
		)
		expect(configDir({}, 'win32', 'C:\\Users\\Ada')).toBe('C:\\Users\\Ada\\AppData\\Roaming\\taskwell')
	})
})

describe.skipIf(process.platform === 'win32')('saveCredentials', () => {
	const credentials = {
		app_url: 'https://tasks.example.com',
		refresh_token: REFRESH_TOKEN,
		scope: 'tasks:read',
		created_at: '2030-01-02T03:04:05.000Z',
	}

	it('creates the directory with mode 0700 and the file with mode 0600', async () => {
		const dir = path.join(temporaryDir(), 'config', 'taskwell')
		const file = await saveCredentials(dir, credentials)
		expect(statSync(dir).mode & 0o777).toBe(0o700)
		expect(statSync(file).mode & 0o777).toBe(0o600)
		expect(readdirSync(dir)).toEqual(['credentials.json'])
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(credentials)
		expect(await readCredentials(dir)).toEqual(credentials)
	})

	it('replaces a file that anyone could read with one only its owner can', async () => {
		const dir = temporaryDir()
		const file = path.join(dir, 'credentials.json')
		writeFileSync(file, '{}', { mode: 0o644 })
		await saveCredentials(dir, credentials)
		expect(statSync(file).mode & 0o777).toBe(0o600)
		expect(readdirSync(dir)).toEqual(['credentials.json'])
		expect(await readCredentials(dir)).toEqual(credentials)
	})

	it('reads no file as not signed in, and a damaged one as a failure', async () => {
		const dir = temporaryDir()
		expect(await readCredentials(dir)).toBeNull()
		writeFileSync(path.join(dir, 'credentials.json'), '{"app_url":')
		await expect(readCredentials(dir)).rejects.toThrow(/credentials\.json is damaged\. Run taskwell login again\./)
	})
})

describe('a wrong command line: exit 2, a message and a hint, nothing on stdout', () => {
	it.each([
		[['frob'], 'taskwell: Unknown command: frob'],
		[['list', '--bogus'], "taskwell: Unknown option '--bogus'"],
		[['list', '--due', '2030-01-02'], 'taskwell: list has no option --due'],
		[['login', '--json'], 'taskwell: login has no option --json'],
		[['list', 'extra'], 'taskwell: list takes no arguments'],
		[['list', '--status', 'done'], 'taskwell: --status must be one of all, active, completed'],
		[['add'], 'taskwell: add needs a title'],
		[['add', '   '], 'taskwell: add needs a title'],
		[['add', 'Buy milk', '--priority', 'urgent'], 'taskwell: --priority must be one of low, normal, high'],
		[['add', 'Buy milk', '--due', 'tomorrow'], 'taskwell: --due must be a date, YYYY-MM-DD'],
		[['done'], 'taskwell: done needs one task id'],
		[['done', 'a', 'b'], 'taskwell: done needs one task id'],
		[['list', '--url'], "taskwell: Option '--url <value>' argument missing"],
		[['list', '--url', 'not a url'], "taskwell: --url must be the app's address"],
		[['login', '--url', 'ftp://example.com'], 'taskwell: --url must be an http or https address'],
	])('%j', async (args, message) => {
		const { code, stdout, stderr } = await run(args)
		expect(code).toBe(2)
		expect(stdout).toBe('')
		expect(stderr).toContain(message)
		expect(stderr).toContain('Run taskwell --help for usage.')
		expect(stderr).not.toMatch(/\n\s+at /) // no stack trace
	})

	it('a TASKWELL_URL that is not an address', async () => {
		const { code, stderr } = await run(['list'], { TASKWELL_URL: 'localhost:5173' })
		expect(code).toBe(2)
		expect(stderr).toContain('TASKWELL_URL must be')
	})
})

describe('help and version', () => {
	it('--help, help and no arguments print the usage: every command and option', async () => {
		const dir = temporaryDir()
		const answers = await Promise.all([['--help'], ['help'], [], ['list', '-h']].map((args) => run(args, { TASKWELL_CONFIG_DIR: dir })))
		for (const answer of answers) {
			expect(answer.code).toBe(0)
			expect(answer.stderr).toBe('')
			expect(answer.stdout).toBe(answers[0]!.stdout)
		}
		const usage = answers[0]!.stdout
		expect(usage).toMatch(/^Usage: taskwell <command> \[options\]/)
		for (const command of ['login [--read-only]', 'list [--status S] [--search TEXT] [--json]', 'add TITLE', 'done ID', 'logout', 'help']) {
			expect(usage).toContain(`  ${command}`)
		}
		for (const option of [
			'--url URL',
			'--json',
			'-h, --help',
			'--version',
			'--due YYYY-MM-DD',
			'--priority low|normal|high',
			'TASKWELL_URL',
		]) {
			expect(usage).toContain(option)
		}
		expect(usage).toContain(path.join(dir, 'credentials.json'))
	})

	it('--version prints package.json’s version', async () => {
		const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
		expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
	})
})

describe('not signed in', () => {
	it.each([[['list']], [['add', 'Buy milk']], [['done', '0b0c7a52-3d4e-4b8e-9a43-2c1f7b0e6d18']]])('%j: exit 1', async (args) => {
		expect(await run(args)).toEqual({ code: 1, stdout: '', stderr: 'Not signed in. Run taskwell login.\n' })
	})

	it('logout says so and succeeds', async () => {
		expect(await run(['logout'])).toEqual({ code: 0, stdout: 'Not signed in.\n', stderr: '' })
	})

	it('a damaged credentials file: exit 1, run login again', async () => {
		const dir = temporaryDir()
		writeFileSync(path.join(dir, 'credentials.json'), 'not json')
		const { code, stderr } = await run(['list'], { TASKWELL_CONFIG_DIR: dir })
		expect(code).toBe(1)
		expect(stderr).toBe(`${path.join(dir, 'credentials.json')} is damaged. Run taskwell login again.\n`)
	})
})

describe('the app cannot be reached', () => {
	it('login: exit 1, which address and why', async () => {
		const url = `http://127.0.0.1:${await unusedPort()}`
		const { code, stdout, stderr } = await run(['login', '--url', url])
		expect(code).toBe(1)
		expect(stdout).toBe('')
		expect(stderr).toBe(`Cannot reach Taskwell at ${url}: connection refused.\n`)
	})

	it('login takes TASKWELL_URL when there is no --url', async () => {
		const url = `http://127.0.0.1:${await unusedPort()}`
		const { code, stderr } = await run(['login'], { TASKWELL_URL: `${url}/` })
		expect(code).toBe(1)
		expect(stderr).toBe(`Cannot reach Taskwell at ${url}: connection refused.\n`)
	})

	it('a task command, signed in: the same message, and never the credential', async () => {
		const url = `http://127.0.0.1:${await unusedPort()}`
		const dir = await signedInDir(url)
		for (const args of [
			['list', '--json'],
			['add', 'Buy milk'],
		]) {
			const { code, stdout, stderr } = await run(args, { TASKWELL_CONFIG_DIR: dir })
			expect(code).toBe(1)
			expect(stdout).toBe('')
			expect(stderr).toBe(`Cannot reach Taskwell at ${url}: connection refused.\n`)
		}
	})

	it('logout: deletes the credential anyway, says it may still be valid, exit 1', async () => {
		const url = `http://127.0.0.1:${await unusedPort()}`
		const dir = await signedInDir(url)
		const { code, stdout, stderr } = await run(['logout'], { TASKWELL_CONFIG_DIR: dir })
		expect(code).toBe(1)
		expect(stdout).toBe('Signed out.\n')
		expect(stderr).toContain(`Could not revoke the sign-in at the server: Cannot reach Taskwell at ${url}: connection refused.`)
		expect(stderr).toContain('Settings → Access tokens')
		expect(stderr).not.toContain(REFRESH_TOKEN)
		expect(readdirSync(dir)).toEqual([])
	})

	it('a --url other than the signed-in app is refused before the credential is sent anywhere', async () => {
		const signedInTo = `http://127.0.0.1:${await unusedPort()}`
		const dir = await signedInDir(signedInTo)
		const other = 'http://127.0.0.1:1'
		const { code, stderr } = await run(['list', '--url', other], { TASKWELL_CONFIG_DIR: dir })
		expect(code).toBe(1)
		expect(stderr).toBe(`You are signed in to ${signedInTo}, not ${other}. Run taskwell login --url ${other} to switch.\n`)
	})
})
