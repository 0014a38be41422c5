/**
 * The CSP nonce of the current server render (entry.server.tsx provides it),
 * for the components that render scripts and links. On the client it is '':
 * browsers hide nonces from the DOM (nonce=""), so hydration matches, and
 * scripts added after hydration are trusted through 'strict-dynamic'.
 */
import { createContext, useContext } from 'react'

const NonceContext = createContext<string>('')

export const NonceProvider = NonceContext.Provider

export function useNonce(): string {
	return useContext(NonceContext)
}
