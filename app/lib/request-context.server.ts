/**
 * Values the Node server hands to React Router for each request. The client
 * IP is resolved by the HTTP layer (Express, honouring TRUST_PROXY); the
 * Request object itself does not carry it.
 */
import { createContext } from 'react-router'

export const clientIpContext = createContext<string | null>(null)
export const requestIdContext = createContext<string | null>(null)
