/**
 * The HTTP methods the app answers. Pages are read with GET (HEAD) and every
 * form posts; nothing else is ever needed. Anything else (TRACE, PUT,
 * DELETE, OPTIONS, …) is refused with 405 and an Allow header before it
 * reaches React Router, whose request adapter cannot even build a Request
 * for TRACE (it answered 500 with a stack trace in the log).
 *
 * Used by the Node server (app-server.ts) and the Vite dev server
 * (vite.config.ts). No database or auth imports here.
 */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'] as const
export const ALLOW_HEADER = ALLOWED_METHODS.join(', ')
export const METHOD_NOT_ALLOWED_MESSAGE = 'Method not allowed.'

export function isAllowedMethod(method: string | undefined): boolean {
	return (ALLOWED_METHODS as readonly string[]).includes((method ?? '').toUpperCase())
}
