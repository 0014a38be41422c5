/**
 * trackConnections() on a real HTTP server and real sockets: an idle kept-
 * alive connection is closed at once, a request in flight finishes (and one
 * pipelined behind it is answered), a request that outlives the grace period
 * is cut.
 */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { expect, test } from 'vitest'
import { trackConnections } from './graceful-stop.ts'

function startServer(handler: Parameters<typeof createServer>[1]) {
	const server: Server = createServer(handler)
	const tracked = trackConnections(server)
	return new Promise<{ server: Server; port: number; stop: typeof tracked.stop }>((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, stop: tracked.stop })),
	)
}

function rawConnection(port: number) {
	const socket = connect(port, '127.0.0.1')
	let received = ''
	socket.on('data', (chunk: Buffer) => (received += chunk.toString()))
	socket.on('error', () => {})
	const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
	const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
	return {
		connected,
		get: (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`),
		statuses: () => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1])),
		received: () => received,
		closed,
	}
}

test('idle connections close at once; the request in flight and the one pipelined behind it are answered', async () => {
	let stopping = false
	let release: (() => void) | undefined
	const { port, stop } = await startServer((req, res) => {
		if (req.url === '/slow') {
			release = () => res.end('slow')
			return
		}
		res.statusCode = stopping ? 503 : 200
		res.end(stopping ? 'stopping' : 'ok')
	})
	const idle = rawConnection(port)
	idle.get('/ready')
	const busy = rawConnection(port)
	await busy.connected
	busy.get('/slow')
	while (!idle.statuses().length || !release) await new Promise((resolve) => setTimeout(resolve, 5))

	stopping = true
	const stopped = stop(10_000)
	await idle.closed
	expect(idle.statuses()).toEqual([200])
	busy.get('/ready')
	await new Promise((resolve) => setTimeout(resolve, 50))
	release!()
	await busy.closed
	expect(busy.statuses()).toEqual([200, 503])
	expect(busy.received()).toMatch(/slow.*stopping/s)
	expect(await stopped).toEqual({ forced: false })
})

test('a request that outlives the grace period is cut', async () => {
	const { port, stop } = await startServer(() => {
		// never answers
	})
	const hung = rawConnection(port)
	await hung.connected
	hung.get('/hang')
	await new Promise((resolve) => setTimeout(resolve, 50))
	expect(await stop(200)).toEqual({ forced: true })
	await hung.closed
	expect(hung.statuses()).toEqual([])
})
