/**
 * GET /healthz — liveness for load balancers and orchestrators: the process
 * answers. Consults nothing (a database outage must not get it restarted).
 */
export function loader() {
	return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } })
}
