/**
 * The secret Better Auth signs cookies and encrypts signing keys with.
 * Deployed, BETTER_AUTH_SECRET is required (the env schema enforces it).
 * Locally, an unset secret is generated once and kept under DATA_DIR so
 * sessions survive restarts.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AppEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'

export function resolveAuthSecret(env: AppEnv): string {
	if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET
	const file = path.resolve(env.DATA_DIR, 'auth-secret')
	try {
		return readFileSync(file, 'utf8').trim()
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
	}
	mkdirSync(path.dirname(file), { recursive: true })
	try {
		// 'wx' fails if another process created it first; then we read theirs.
		writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 })
		logger.warn(
			{ file },
			'BETTER_AUTH_SECRET is not set: generated a local secret (fine for local use; set BETTER_AUTH_SECRET when deploying)',
		)
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
	}
	return readFileSync(file, 'utf8').trim()
}
