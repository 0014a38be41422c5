/**
 * The task API's access-token contract (issue 26): the app exchanges a
 * personal access token or a CLI credential for an ordinary short-lived
 * EdDSA JWT that also names the access token (`tid`), what it may do
 * (`scope`) and, optionally, the one workspace it reaches (`workspace`).
 * The API limits such a JWT to tasks, and refuses it once the app has
 * recorded the access token's revocation (PUT accessTokenRevocationPath).
 * Shared with the app, which mints those JWTs and calls that route. Plain
 * TypeScript, like common/accounts-contract.ts.
 */

/** The `scope` entry (RFC 8693: a space-separated string) that lets an access-token JWT read tasks (GET, HEAD). */
export const TASKS_READ_SCOPE = 'tasks:read'

/** The `scope` entry that lets an access-token JWT change tasks (every other method). */
export const TASKS_WRITE_SCOPE = 'tasks:write'

/** The `scope` entry of the token the app records a revocation with (never an access-token JWT). */
export const ACCESS_TOKEN_REVOKE_SCOPE = 'access-tokens:revoke'

/** The claim naming the access token a JWT was exchanged for: its presence makes the JWT an access-token JWT. */
export const ACCESS_TOKEN_ID_CLAIM = 'tid'

/** The claim naming the one workspace an access-token JWT reaches (absent: the account's personal tasks only). */
export const ACCESS_TOKEN_WORKSPACE_CLAIM = 'workspace'

/** Longest access-token id (and workspace claim) the API accepts. */
export const ACCESS_TOKEN_ID_MAX_LENGTH = 255

/** 403: a change with an access-token JWT whose scope lacks TASKS_WRITE_SCOPE. */
export const ACCESS_TOKEN_READ_ONLY_DETAIL = 'This access token may only read tasks.'

/** 403: a read with an access-token JWT whose scope lacks TASKS_READ_SCOPE (the app never mints one). */
export const ACCESS_TOKEN_NO_READ_DETAIL = 'This access token may not read tasks.'

/** 403: an access-token JWT on a route that is not a task route (account, workspace management, revocation). */
export const ACCESS_TOKEN_ROUTE_DETAIL = 'An access token may only reach tasks.'

/** 403: an access-token JWT on another workspace's tasks, or on personal tasks when it was issued for a workspace (or the reverse). */
export const ACCESS_TOKEN_WORKSPACE_DETAIL = 'This access token was not issued for these tasks.'

/** 401 (`WWW-Authenticate: Bearer error="invalid_token"`): the JWT's access token has been revoked. */
export const ACCESS_TOKEN_REVOKED_DETAIL = 'This access token has been revoked.'

/** 403: PUT accessTokenRevocationPath with a token whose scope lacks ACCESS_TOKEN_REVOKE_SCOPE. */
export const ACCESS_TOKEN_REVOKE_REFUSAL = 'This token may not revoke access tokens.'

/**
 * PUT here (no body; the account is the token's `sub`, the token's scope
 * holds ACCESS_TOKEN_REVOKE_SCOPE): 204, and from 1 s later every JWT with
 * this `tid` is refused on every instance. Idempotent.
 */
export const accessTokenRevocationPath = (tokenId: string): string => '/v1/me/access-tokens/' + encodeURIComponent(tokenId) + '/revocation'
