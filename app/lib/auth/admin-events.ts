/**
 * The security events an administrator causes (issue 22): their rows carry
 * the admin as actor and never the admin's IP address or device; the
 * user's activity list says "By an administrator". Plain module: Settings'
 * activity list renders in the browser too.
 */
export const ADMIN_EVENT_TYPES: ReadonlySet<string> = new Set([
	'admin-acted-as-you',
	'account-suspended',
	'account-restored',
	'admin-role-changed',
])
