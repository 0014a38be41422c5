/**
 * A notice in the page's flow: a success (role="status", read when it
 * appears) or an error (role="alert"). Renders nothing without a message,
 * so `<Notice tone="error">{error}</Notice>` needs no condition around it.
 * The one-time notice after a redirect is the layout's FlashRegion.
 */
import type { ReactNode } from 'react'

export function Notice({ tone, children }: { tone: 'success' | 'error'; children: ReactNode }) {
	if (children === null || children === undefined || children === false || children === '') return null
	return (
		<p role={tone === 'error' ? 'alert' : 'status'} className={`flash flash-${tone}`}>
			{children}
		</p>
	)
}
