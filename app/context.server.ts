/**
 * Values the Node server hands to React Router for each request. The client
 * IP is resolved by the HTTP layer (Express, honouring TRUST_PROXY); the
 * Request object itself does not carry it.
 */
import { createContext, type RouterContextProvider } from 'react-router'

/** What server helpers need of the router context: reading it. */
export type ContextReader = Pick<Readonly<RouterContextProvider>, 'get'>

export const clientIpContext = createContext<string | null>(null)
export const requestIdContext = createContext<string | null>(null)

/** The client IP the HTTP layer resolved, as a throttle subject ("unknown" without one). */
export function clientIpOf(context: ContextReader): string {
	return context.get(clientIpContext) ?? 'unknown'
}
