/**
 * The CSP nonce of the current server render (entry.server.tsx provides it),
 * for the few components that render inline scripts. On the client it is
 * undefined: the browser hides nonces from the DOM anyway, and scripts added
 * after hydration are trusted through 'strict-dynamic'.
 */
import { createContext, useContext } from 'react'

const NonceContext = createContext<string | undefined>(undefined)

export const NonceProvider = NonceContext.Provider

export function useNonce(): string | undefined {
	return useContext(NonceContext)
}
