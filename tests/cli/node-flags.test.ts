/**
 * The flags `npm start` runs the services with (scripts/node-flags.mjs): the
 * app's heap limit (APP_MAX_HEAP_MB) as a real Node.js process started with
 * them reports it, and what a bad value does to `npm start`.
 */
import { execFile, execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_MAX_HEAP_MB_DEFAULT, nodeFlags } from '../../scripts/node-flags.mjs'

const MiB = 1024 * 1024

/** The old generation's limit of a node process started with these flags, in MiB. */
function oldSpaceLimitMb(flags: string[], env: NodeJS.ProcessEnv = {}): number {
	const script = `console.log(require('node:v8').getHeapStatistics().heap_size_limit)`
	const limit = Number(execFileSync(process.execPath, [...flags, '-e', script], { env: { PATH: process.env.PATH, ...env } }).toString())
	return limit / MiB
}

describe('the services’ Node.js flags', () => {
	it('bounds the app’s heap at APP_MAX_HEAP_MB, 512 MiB by default, with a fixed growing factor, and leaves the task API’s to V8', () => {
		expect(APP_MAX_HEAP_MB_DEFAULT).toBe(512)
		expect(nodeFlags('app', {})).toEqual(['--enable-source-maps', '--max-old-space-size=512', '--heap-growing-percent=200'])
		const unbounded = oldSpaceLimitMb([])
		// The limit V8 reports is the old generation's plus the young one's (a few tens of MiB).
		const byDefault = oldSpaceLimitMb(nodeFlags('app', {}))
		expect(byDefault).toBeGreaterThanOrEqual(512)
		expect(byDefault).toBeLessThan(512 + 64)
		const set = oldSpaceLimitMb(nodeFlags('app', { APP_MAX_HEAP_MB: '300' }))
		expect(set).toBeGreaterThanOrEqual(300)
		expect(set).toBeLessThan(300 + 64)
		expect(nodeFlags('app', { APP_MAX_HEAP_MB: '0' })).toEqual(['--enable-source-maps'])
		expect(oldSpaceLimitMb(nodeFlags('app', { APP_MAX_HEAP_MB: '0' }))).toBe(unbounded)
		expect(oldSpaceLimitMb(nodeFlags('api', {}))).toBe(unbounded)
		expect(nodeFlags('api', {})).toEqual(['--enable-source-maps'])
	})

	it('lets a --max-old-space-size in NODE_OPTIONS win', () => {
		const env = { NODE_OPTIONS: '--max-old-space-size=400' }
		const limit = oldSpaceLimitMb(nodeFlags('app', env), env)
		expect(limit).toBeGreaterThanOrEqual(400)
		expect(limit).toBeLessThan(400 + 64)
	})

	it('refuses a bad APP_MAX_HEAP_MB at `npm start`, naming it, before anything starts', async () => {
		for (const value of ['lots', '32', '1.5']) {
			const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
				const child = execFile(
					process.execPath,
					[path.resolve('scripts/start.mjs')],
					{ env: { PATH: process.env.PATH, APP_MAX_HEAP_MB: value } },
					(_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
				)
			})
			expect(code).toBe(1)
			expect(stderr).toContain(`APP_MAX_HEAP_MB must be a whole number of MiB, at least 64 (or 0 for V8's own limit); it is "${value}".`)
		}
	})
})
