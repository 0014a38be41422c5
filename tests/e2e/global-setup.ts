/**
 * Playwright's global setup: a directory for this run's axe claims
 * (support.ts's claimPageState), so each distinct page state is checked by
 * axe once per project across all workers, removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export default function globalSetup() {
	const dir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-axe-'))
	// Workers start after the global setup and inherit its environment.
	process.env.E2E_AXE_CLAIMS_DIR = dir
	if (process.env.E2E_AXE_KEEP) console.log(`axe claims: ${dir}`)
	return () => (process.env.E2E_AXE_KEEP ? undefined : rmSync(dir, { recursive: true, force: true }))
}
