/**
 * GET /api/tokens/config — where a program finds the token endpoints and
 * the task API (the command line reads it first). Public: nothing in it is
 * a secret.
 */
import { jsonAnswer } from '#app/lib/access-tokens/endpoint.server.ts'
import { DEVICE_CLIENTS } from '#app/lib/access-tokens/plugins.server.ts'
import { getEnv } from '#app/lib/env.server.ts'

export function loader() {
	const env = getEnv()
	const base = `${env.BETTER_AUTH_URL}/api/tokens`
	return jsonAnswer({
		client_id: Object.keys(DEVICE_CLIENTS)[0],
		device_authorization_endpoint: `${base}/device-code`,
		device_token_endpoint: `${base}/device`,
		exchange_endpoint: `${base}/exchange`,
		revocation_endpoint: `${base}/revoke`,
		task_api_url: env.TASKS_API_PUBLIC_URL.replace(/\/+$/, ''),
	})
}
