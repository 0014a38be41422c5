/**
 * The command-line client (bin/taskwell.mjs, issue 26) against the real
 * services: `taskwell login` prints a code, the signed-in user allows (or
 * denies) it on /device, and the CLI then lists, adds and completes tasks
 * with the refresh credential it saved, and signs out. What needs no server
 * (arguments, config dir, file modes): tests/cli/cli-args.test.ts.
 *
 * The CLI runs as a child process with its own TASKWELL_CONFIG_DIR and
 * TASKWELL_URL = the app's baseURL, as a user would run it.
 *
 * ASSUMED PAGE TEXTS of /device (align them with the page, or the page with
 * these): see DEVICE_PAGE below —
 * - the client's name:                 "Taskwell command line"
 * - the access asked (read and write): "Read and write your personal tasks"
 * - the buttons (plain POST forms):    "Allow" and "Deny"
 * - after Allow:                       "Device signed in"
 * - an unknown or expired code:        some text matching /not valid|expired/i
 * And from the task API: a read-only token's add is refused with the detail
 * "This access token may only read tasks."
 *
 * The e2e app's codes live 40 s (DEVICE_CODE_SECONDS), so one test waits
 * for a code to expire.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, expectOneTask, test } from './support.ts'

const DEVICE_PAGE = {
	client: 'Taskwell command line',
	readWrite: 'Read and write your personal tasks',
	allow: 'Allow',
	deny: 'Deny',
	allowed: /Device signed in/,
	invalidCode: /not valid|expired/i,
}

const CLI = path.resolve('bin/taskwell.mjs')
/** Shapes of a refresh credential and of a JWT: the CLI prints neither, ever. */
const CREDENTIAL = /tw_cli_|eyJ[\w-]+\.[\w-]+/

type CliResult = { code: number | null; stdout: string; stderr: string }

/** One run of the CLI: its output so far, and its exit. */
class CliProcess {
	stdout = ''
	stderr = ''
	readonly exited: Promise<CliResult>
	private readonly child: ChildProcess

	constructor(args: string[], env: NodeJS.ProcessEnv) {
		this.child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
		this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')))
		this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')))
		this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })))
	}

	/** Waits until stdout or stderr matches `pattern`; its match. */
	async waitFor(pattern: RegExp, timeout = 15_000): Promise<RegExpMatchArray> {
		await expect.poll(() => `${this.stdout}\n${this.stderr}`, { message: `the CLI prints ${pattern}`, timeout }).toMatch(pattern)
		return `${this.stdout}\n${this.stderr}`.match(pattern)!
	}

	stop() {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM')
	}
}

/** A CLI user: a config dir of their own, pointed at the app under test. */
function cliUser(baseURL: string | undefined) {
	if (!baseURL) throw new Error('the CLI spec needs a baseURL')
	const configDir = mkdtempSync(path.join(tmpdir(), 'taskwell-cli-e2e-'))
	const env: NodeJS.ProcessEnv = { ...process.env, TASKWELL_CONFIG_DIR: configDir, TASKWELL_URL: baseURL }
	const running: CliProcess[] = []
	const outputs: string[] = []
	const start = (...args: string[]) => {
		const cli = new CliProcess(args, env)
		running.push(cli)
		void cli.exited.then(({ stdout, stderr }) => outputs.push(stdout, stderr))
		return cli
	}
	return {
		configDir,
		credentialsFile: path.join(configDir, 'credentials.json'),
		start,
		/** Runs a command to its end. */
		run: (...args: string[]) => start(...args).exited,
		/** Stops what still runs, checks that no output held a credential, removes the config dir. */
		async cleanUp() {
			for (const cli of running) cli.stop()
			await Promise.all(running.map((cli) => cli.exited))
			rmSync(configDir, { recursive: true, force: true })
			for (const output of outputs) expect(output, 'the CLI never prints a credential').not.toMatch(CREDENTIAL)
		},
	}
}

type CliUser = ReturnType<typeof cliUser>

/** `taskwell login` up to the printed code: the URL to open and the code. */
async function startLogin(cli: CliUser, ...options: string[]) {
	const login = cli.start('login', ...options)
	const [, verificationUri, userCode] = await login.waitFor(/To sign in, open (\S+) and enter the code: (\S+)/)
	const [, verificationUriComplete] = await login.waitFor(/\(or open (\S+)\)/)
	await login.waitFor(/Waiting for you to allow it…/)
	expect(new URL(verificationUri!).pathname).toBe('/device')
	expect(new URL(verificationUriComplete!).searchParams.get('user_code')).toBe(userCode)
	return { login, userCode: userCode!, verificationUriComplete: verificationUriComplete! }
}

let cli: CliUser
test.beforeEach(({ baseURL }) => {
	cli = cliUser(baseURL)
})
test.afterEach(async () => {
	await cli.cleanUp()
})

test('login through /device, then list, add, done and logout', async ({ page, user: _user }) => {
	const { login, verificationUriComplete } = await startLogin(cli)
	await page.goto(verificationUriComplete)
	await expect(page.getByText(DEVICE_PAGE.client).first()).toBeVisible()
	await expect(page.getByText(DEVICE_PAGE.readWrite).first()).toBeVisible()
	await page.getByRole('button', { name: DEVICE_PAGE.allow, exact: true }).click()
	await expect(page.getByText(DEVICE_PAGE.allowed).first()).toBeVisible()

	const signedIn = await login.exited
	expect(signedIn.code, signedIn.stderr).toBe(0)
	expect(signedIn.stdout).toContain('Signed in.')
	if (process.platform !== 'win32') {
		expect(statSync(cli.credentialsFile).mode & 0o777).toBe(0o600)
		expect(statSync(cli.configDir).mode & 0o777).toBe(0o700)
	}

	expect(await cli.run('list')).toEqual({ code: 0, stdout: 'No tasks.\n', stderr: '' })

	const added = await cli.run('add', 'Buy milk', '--due', '2030-01-02', '--priority', 'high')
	expect(added.code, added.stderr).toBe(0)
	const id = /^Added: Buy milk \(([0-9a-f-]{36})\)$/m.exec(added.stdout)?.[1]
	expect(id, added.stdout).toBeTruthy()

	const listed = await cli.run('list', '--json')
	expect(listed.code, listed.stderr).toBe(0)
	expect(JSON.parse(listed.stdout)).toEqual([
		expect.objectContaining({ id, title: 'Buy milk', dueDate: '2030-01-02', priority: 'high', completed: false }),
	])
	// The same task in the browser.
	await expectOneTask(page, 'Buy milk')

	expect(await cli.run('done', id!)).toEqual({ code: 0, stdout: 'Done: Buy milk\n', stderr: '' })
	expect(await cli.run('list', '--status', 'completed')).toEqual({
		code: 0,
		stdout: `[x] Buy milk (due 2030-01-02, high priority)  id: ${id}\n`,
		stderr: '',
	})
	expect(await cli.run('list', '--status', 'active')).toEqual({ code: 0, stdout: 'No tasks.\n', stderr: '' })

	// A task API refusal is its problem detail.
	const unknown = await cli.run('done', '00000000-0000-4000-8000-000000000000')
	expect(unknown.code).toBe(1)
	expect(unknown.stdout).toBe('')
	expect(unknown.stderr.trim()).not.toBe('')

	expect(await cli.run('logout')).toEqual({ code: 0, stdout: 'Signed out.\n', stderr: '' })
	expect(existsSync(cli.credentialsFile)).toBe(false)
	expect(await cli.run('list')).toEqual({ code: 1, stdout: '', stderr: 'Not signed in. Run taskwell login.\n' })
})

test('Deny on /device: the CLI says so and exits 1, saving nothing', async ({ page, user: _user }) => {
	const { login, verificationUriComplete } = await startLogin(cli)
	await page.goto(verificationUriComplete)
	await page.getByRole('button', { name: DEVICE_PAGE.deny, exact: true }).click()
	const denied = await login.exited
	expect(denied.code).toBe(1)
	expect(denied.stderr).toContain('Sign-in was denied in the browser.')
	expect(denied.stdout).not.toContain('Signed in.')
	expect(existsSync(cli.credentialsFile)).toBe(false)
})

test('login --read-only: listing works, adding is refused by the task API', async ({ page, user: _user }) => {
	const { login, verificationUriComplete } = await startLogin(cli, '--read-only')
	await page.goto(verificationUriComplete)
	await expect(page.getByText(DEVICE_PAGE.readWrite)).toHaveCount(0)
	await page.getByRole('button', { name: DEVICE_PAGE.allow, exact: true }).click()
	const signedIn = await login.exited
	expect(signedIn.code, signedIn.stderr).toBe(0)

	expect(await cli.run('list')).toEqual({ code: 0, stdout: 'No tasks.\n', stderr: '' })
	expect(await cli.run('add', 'Not allowed')).toEqual({ code: 1, stdout: '', stderr: 'This access token may only read tasks.\n' })
	expect(await cli.run('logout')).toEqual({ code: 0, stdout: 'Signed out.\n', stderr: '' })
})

test('an unknown or expired code on /device is refused', async ({ page, user: _user }) => {
	await page.goto('/device?user_code=ZZZZ-ZZZZ')
	await expect(page.getByText(DEVICE_PAGE.invalidCode).first()).toBeVisible()
	await expect(page.getByRole('button', { name: DEVICE_PAGE.allow, exact: true })).toHaveCount(0)
})

// The e2e app's codes live 40 s (DEVICE_CODE_SECONDS in playwright.config.ts):
// nobody presses Allow, so the CLI hears expired_token (or sees the code's
// expires_in pass) and says to sign in again; the page refuses the old code.
test('a code nobody allowed expires: the CLI says to run login again, and /device refuses the code', async ({ page, user: _user }) => {
	test.setTimeout(120_000)
	const { login, verificationUriComplete } = await startLogin(cli)
	const expired = await login.exited
	expect(expired.code).toBe(1)
	expect(expired.stderr).toContain('The code has expired. Run taskwell login again.')
	expect(existsSync(cli.credentialsFile)).toBe(false)
	await page.goto(verificationUriComplete)
	await expect(page.getByText(DEVICE_PAGE.invalidCode).first()).toBeVisible()
	await expect(page.getByRole('button', { name: DEVICE_PAGE.allow, exact: true })).toHaveCount(0)
})
