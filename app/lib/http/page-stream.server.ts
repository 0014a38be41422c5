/**
 * Where React's renderToPipeableStream writes a page, as the web
 * ReadableStream a React Router Response carries: one chunk per React flush.
 *
 * React writes a page in 4 KB pieces and calls `flush()` after each batch.
 * React Router's default entry pipes them through a PassThrough and a
 * Node-to-web stream adapter, and its Node adapter then writes them to the
 * socket one by one: every piece of every page crossed three streams (a
 * profile of /tasks under load counted some 20 per page). Here the pieces of
 * one flush are joined and handed on as one chunk.
 *
 * React needs of its destination only `write` (whose `true` means "go on"),
 * `flush`, `end`, `destroy` (a fatal error) and `on` (it listens for
 * "drain", "error" and "close"; none of them is ever emitted here: a page
 * is small and React renders its shell in one go, so nothing waits).
 */
export type PageStream = {
	/** For `pipe()` (React's type asks for a Node writable). */
	destination: NodeJS.WritableStream
	/** The body of the page's Response. */
	body: ReadableStream<Uint8Array>
}

/**
 * `onEnd`: the page is finished (written, failed or cancelled): once.
 * `onCancel`: the reader gave up (the client went away): stop rendering.
 */
export function createPageStream({ onEnd, onCancel }: { onEnd: () => void; onCancel: () => void }): PageStream {
	let controller!: ReadableStreamDefaultController<Uint8Array>
	let pending: Uint8Array[] = []
	let size = 0
	let closed = false
	const body = new ReadableStream<Uint8Array>({
		start(streamController) {
			controller = streamController
		},
		// The client went away (or the server gave up on the response).
		cancel() {
			if (closed) return
			closed = true
			pending = []
			onEnd()
			onCancel()
		},
	})
	const flush = () => {
		if (closed || pending.length === 0) return
		const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, size)
		pending = []
		size = 0
		controller.enqueue(chunk)
	}
	const destination = {
		write(chunk: Uint8Array | string) {
			if (closed) return true
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
			pending.push(bytes)
			size += bytes.byteLength
			return true
		},
		flush,
		end() {
			if (closed) return
			flush()
			closed = true
			controller.close()
			onEnd()
		},
		destroy(error?: unknown) {
			if (closed) return
			closed = true
			pending = []
			controller.error(error)
			onEnd()
		},
		on() {
			return destination
		},
	}
	return { destination: destination as unknown as NodeJS.WritableStream, body }
}
