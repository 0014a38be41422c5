/**
 * The task API (server/index.ts) as a real child process, for the tests of
 * its start-up and shutdown: its output collected, its exit awaited, and
 * every process a test file started killed after the file.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll } from 'vitest'

const children: ChildProcess[] = []
afterAll(() => {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Starts the API with this environment over the test's own (`undefined` unsets a variable). */
export function startApiProcess(env: Record<string, string | undefined>) {
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	children.push(child)
	let stdout = ''
	let stderr = ''
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
	return { child, exited, output: () => ({ stdout, stderr }) }
}

/** A TCP port nothing listens on (at the time of asking). */
export async function freePort(): Promise<number> {
	const server = createServer()
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const { port } = server.address() as AddressInfo
	await new Promise<void>((resolve) => server.close(() => resolve()))
	return port
}
