/**
 * The pieces every /v1 route description shares (tasks/routes.ts,
 * workspaces/routes.ts): problem+json answers, the bearer-token answers,
 * the security requirement, a path parameter, a JSON body.
 */
import { z } from 'zod'
import { problemSchema } from '#common/tasks-contract.ts'

/** A problem+json body (for an answer with headers of its own). */
export const problemContent = { 'application/problem+json': { schema: problemSchema } }

/** An answer whose body is problem+json. */
export const problemResponse = (description: string) => ({ description, content: problemContent })

/** What every route answers when the bearer token is missing or cannot be checked. */
export const authResponses = {
	401: problemResponse('Missing, invalid or expired bearer token, a suspended account, or a revoked access token (see WWW-Authenticate).'),
	503: problemResponse('The signing keys or the account statuses cannot be read right now (see Retry-After).'),
}

export const security = [{ bearerAuth: [] }]

/** A path parameter, named and described in the document. */
export const pathParam = (name: string, description: string) => z.string().meta({ param: { name, in: 'path' }, description })

/** The workspace id of /v1/workspaces/{workspaceId}/…. */
export const workspaceIdParam = pathParam('workspaceId', 'The workspace id (the app’s organization id, a uuid).')

export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } })
