/**
 * Graceful stop for a Node HTTP server (both services use it on SIGTERM):
 * stop accepting connections, let every request already received finish —
 * including one a kept-alive connection sends during the drain, so a load
 * balancer asking /readyz learns "503" — close each connection as soon as it
 * has nothing left to answer, and after `graceMs` cut whatever remains.
 *
 * Node's own server.close() closes idle connections only once, at the call:
 * a connection whose response finishes later would stay open until its
 * keep-alive timeout. Hence the per-connection count of open responses.
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

export type GracefulStop = {
	/** Resolves once every connection is closed; `forced` when the grace period ran out. */
	stop(graceMs: number): Promise<{ forced: boolean }>
}

export function trackConnections(server: Server): GracefulStop {
	/** Responses not yet closed, per connection. */
	const open = new Map<Socket, number>()
	let stopping = false

	const closeSoon = (socket: Socket) => {
		// Half-close after the pending writes, then let go.
		socket.end(() => socket.destroy())
	}

	server.on('connection', (socket: Socket) => {
		open.set(socket, 0)
		socket.once('close', () => open.delete(socket))
	})
	server.on('request', (request, response) => {
		const socket = request.socket
		open.set(socket, (open.get(socket) ?? 0) + 1)
		response.once('close', () => {
			const left = Math.max(0, (open.get(socket) ?? 1) - 1)
			if (open.has(socket)) open.set(socket, left)
			if (stopping && left === 0) closeSoon(socket)
		})
	})

	return {
		stop(graceMs) {
			stopping = true
			return new Promise((resolve) => {
				let forced = false
				const timer = setTimeout(() => {
					forced = true
					for (const socket of open.keys()) socket.destroy()
				}, graceMs)
				timer.unref()
				server.close(() => {
					clearTimeout(timer)
					resolve({ forced })
				})
				for (const [socket, count] of open) if (count === 0) closeSoon(socket)
			})
		},
	}
}
