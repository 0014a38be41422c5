/**
 * The Better Auth client with its passkey plugin (with @simplewebauthn's
 * browser code, ~16 KB gzipped): imported by components/passkeys.tsx only
 * when a passkey button is used, so the pages that show one (/login,
 * /settings) do not load it with the page.
 */
import { passkeyClient } from '@better-auth/passkey/client'
import { createAuthClient } from 'better-auth/react'

export const authClient = createAuthClient({ basePath: '/api/auth', plugins: [passkeyClient()] })
