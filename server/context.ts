/** What middleware puts into the Hono context for later handlers. */
export type ApiEnv = {
	Variables: {
		requestId: string
		/** The verified token's `sub`: set by the auth middleware on /v1/*. */
		userId: string
	}
}
