/**
 * The flags `npm start` runs the services with (scripts/node-flags.mjs): the
 * app's heap limit (APP_MAX_HEAP_MB) as a real Node.js process started with
 * them reports it, and what a bad value does to `npm start`.
 */
import { execFile, execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_MAX_HEAP_MB_DEFAULT, APP_MAX_SEMI_SPACE_MB, nodeFlags } from '../../scripts/node-flags.mjs'

const MiB = 1024 * 1024

/** The old generation's limit of a node process started with these flags, in MiB. */
function oldSpaceLimitMb(flags: string[], env: NodeJS.ProcessEnv = {}): number {
	const script = `console.log(require('node:v8').getHeapStatistics().heap_size_limit)`
	const limit = Number(execFileSync(process.execPath, [...flags, '-e', script], { env: { PATH: process.env.PATH, ...env } }).toString())
	return limit / MiB
}

describe('the services’ Node.js flags', () => {
	it('bounds the app’s heap at APP_MAX_HEAP_MB, 512 MiB by default, with a fixed growing factor and a 32 MiB semi-space, and leaves the task API’s to V8', () => {
		expect(APP_MAX_HEAP_MB_DEFAULT).toBe(512)
		expect(APP_MAX_SEMI_SPACE_MB).toBe(32)
		expect(nodeFlags('app', {})).toEqual([
			'--enable-source-maps',
			'--max-old-space-size=512',
			'--heap-growing-percent=200',
			'--max-semi-space-size=32',
		])
		const unbounded = oldSpaceLimitMb([])
		// The limit V8 reports is the old generation's plus the young one's: three semi-spaces (V8's own: 3 × 16 MiB).
		const young = 3 * APP_MAX_SEMI_SPACE_MB
		expect(oldSpaceLimitMb(['--max-old-space-size=512'])).toBeLessThan(512 + young)
		const byDefault = oldSpaceLimitMb(nodeFlags('app', {}))
		expect(byDefault).toBeGreaterThanOrEqual(512 + young)
		expect(byDefault).toBeLessThan(512 + young + 16)
		const set = oldSpaceLimitMb(nodeFlags('app', { APP_MAX_HEAP_MB: '300' }))
		expect(set).toBeGreaterThanOrEqual(300 + young)
		expect(set).toBeLessThan(300 + young + 16)
		expect(nodeFlags('app', { APP_MAX_HEAP_MB: '0' })).toEqual(['--enable-source-maps'])
		expect(oldSpaceLimitMb(nodeFlags('app', { APP_MAX_HEAP_MB: '0' }))).toBe(unbounded)
		expect(oldSpaceLimitMb(nodeFlags('api', {}))).toBe(unbounded)
		expect(nodeFlags('api', {})).toEqual(['--enable-source-maps'])
	})

	it('lets a --max-old-space-size or --max-semi-space-size in NODE_OPTIONS win', () => {
		const env = { NODE_OPTIONS: '--max-old-space-size=400' }
		const limit = oldSpaceLimitMb(nodeFlags('app', env), env)
		expect(limit).toBeGreaterThanOrEqual(400)
		expect(limit).toBeLessThan(400 + 64)
		const semi = { NODE_OPTIONS: '--max-semi-space-size=8' }
		expect(nodeFlags('app', semi)).toEqual(['--enable-source-maps', '--max-old-space-size=512', '--heap-growing-percent=200'])
		expect(oldSpaceLimitMb(nodeFlags('app', semi), semi)).toBe(512 + 3 * 8)
		// V8's own spelling, with underscores, is the same flag.
		const underscored = { NODE_OPTIONS: '--max_old_space_size=400' }
		expect(nodeFlags('app', underscored)).toEqual(['--enable-source-maps'])
		expect(oldSpaceLimitMb(nodeFlags('app', underscored), underscored)).toBeLessThan(400 + 64)
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
