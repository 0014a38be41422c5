/**
 * What the sections of the members page (members.tsx) share: a section
 * named by its heading, and the server's reply to the form that posted.
 */
import type { SubmissionResult } from '@conform-to/react'
import type { WorkspaceRole } from '#common/workspace-roles.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import type { MembersPageIntent } from './schemas.ts'

export type LastResult = SubmissionResult<string[]> | undefined

export type Person = { userId: string; name: string; email: string; role: WorkspaceRole }

/** The reply to the form that posted: this intent, and (for a per-row form) this row's hidden value. */
export function resultFor(
	actionData: WorkspaceActionData | undefined,
	intent: MembersPageIntent,
	key?: { name: string; value: string },
): LastResult {
	if (actionData?.intent !== intent) return undefined
	if (key && actionData.result.initialValue?.[key.name] !== key.value) return undefined
	return actionData.result
}

export function Section({ id, title, danger, children }: { id: string; title: string; danger?: boolean; children: React.ReactNode }) {
	return (
		<section aria-labelledby={`${id}-heading`} className={danger ? 'settings-section danger-zone' : 'settings-section'}>
			<h2 id={`${id}-heading`}>{title}</h2>
			{children}
		</section>
	)
}
