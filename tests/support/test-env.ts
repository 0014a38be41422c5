/**
 * Environment variables for one test file. The app reads its environment
 * once, when its modules load, so a file sets what it needs before its first
 * import of app code; the worker process (and so process.env) is reused by
 * the next file, so the previous values are put back after this one.
 */
import { afterAll } from 'vitest'

function apply(values: Record<string, string | undefined>) {
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined) delete process.env[key]
		else process.env[key] = value
	}
}

/** Sets `values` (undefined unsets a variable) until the end of this test file. */
export function setEnvForThisFile(values: Record<string, string | undefined>) {
	const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]))
	apply(values)
	afterAll(() => apply(previous))
}
