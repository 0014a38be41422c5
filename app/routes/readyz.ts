/**
 * GET /readyz — readiness for load balancers: 200 when the database answers
 * and a signing key loads (app/lib/health.server.ts), 503 otherwise (and
 * while the instance is stopping). No auth; never cached.
 */
import { checkReadiness } from '#app/lib/health.server.ts'

export async function loader() {
	const { ready, checks } = await checkReadiness()
	if (ready) return Response.json({ status: 'ready', checks }, { headers: { 'Cache-Control': 'no-store' } })
	return Response.json({ status: 'not ready', checks }, { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } })
}
