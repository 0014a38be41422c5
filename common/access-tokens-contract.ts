// Placeholder until the task-API branch lands (it owns this file); same exports.
export const TASKS_READ_SCOPE = 'tasks:read'
export const TASKS_WRITE_SCOPE = 'tasks:write'
export const ACCESS_TOKEN_REVOKE_SCOPE = 'access-tokens:revoke'
export const ACCESS_TOKEN_READ_ONLY_DETAIL = 'This access token may only read tasks.'
export const ACCESS_TOKEN_ROUTE_DETAIL = 'An access token may only reach tasks.'
export const ACCESS_TOKEN_WORKSPACE_DETAIL = 'This access token was not issued for these tasks.'
export const ACCESS_TOKEN_REVOKED_DETAIL = 'This access token has been revoked.'
export const ACCESS_TOKEN_REVOKE_REFUSAL = 'This token may not revoke access tokens.'
export const accessTokenRevocationPath = (tokenId: string) => `/v1/me/access-tokens/${encodeURIComponent(tokenId)}/revocation`
