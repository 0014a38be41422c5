import { Suspense, use } from 'react'
import { renderToPipeableStream } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { createPageStream } from './page-stream.server.ts'

function Rows({ count }: { count: number }) {
	return (
		<ul>
			{Array.from({ length: count }, (_, i) => (
				<li key={i}>
					{`Task number ${i} `}
					<a href={`/tasks/${i}`}>Open</a>
				</li>
			))}
		</ul>
	)
}

/** A part that suspends until `resolve(text)` is called. */
function suspendedPart() {
	let resolve!: (text: string) => void
	const text = new Promise<string>((done) => (resolve = done))
	function Part() {
		return <p>{use(text)}</p>
	}
	return { Part, resolve }
}

/** Renders `element` into a page stream; resolves with the chunks read and what was reported. */
function render(element: React.ReactNode) {
	let ended = 0
	let cancelled = 0
	const page = createPageStream({ onEnd: () => void (ended += 1), onCancel: () => void (cancelled += 1) })
	const { pipe } = renderToPipeableStream(element, { onShellReady: () => pipe(page.destination) })
	return {
		page,
		counts: () => ({ ended, cancelled }),
		async read() {
			const chunks: Uint8Array[] = []
			const reader = page.body.getReader()
			for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value)
			return { chunks, html: Buffer.concat(chunks).toString('utf8') }
		},
	}
}

describe('createPageStream', () => {
	test('a page React writes in many 4 KB pieces arrives whole, in one chunk per flush', async () => {
		const rendering = render(
			<html>
				<body>
					<Rows count={2000} />
				</body>
			</html>,
		)
		const { chunks, html } = await rendering.read()
		expect(html.startsWith('<!DOCTYPE html><html><head>')).toBe(true)
		expect(html.endsWith('</ul></body></html>')).toBe(true)
		expect(html.match(/<li>/g)).toHaveLength(2000)
		expect(html).toContain('Task number 1999 <a href="/tasks/1999">Open</a>')
		expect(Buffer.byteLength(html)).toBeGreaterThan(100_000)
		// React flushed the shell at once: far fewer chunks than its 4 KB pieces.
		expect(chunks.length).toBeLessThan(3)
		expect(rendering.counts()).toEqual({ ended: 1, cancelled: 0 })
	})

	test('text that does not fit a piece (a long string, multi-byte characters) is kept intact', async () => {
		const long = `${'Ünïcödé ✓ '.repeat(2000)}end`
		const { html } = await render(<p>{long}</p>).read()
		expect(html).toBe(`<p>${long}</p>`)
	})

	test('content streamed after the shell (a suspended part) follows in later chunks', async () => {
		const { Part: Later, resolve } = suspendedPart()
		const rendering = render(
			<div>
				<h1>Shell</h1>
				<Suspense fallback={<p>Loading</p>}>
					<Later />
				</Suspense>
			</div>,
		)
		const reading = rendering.read()
		setTimeout(() => resolve('Streamed later'), 20)
		const { chunks, html } = await reading
		expect(chunks.length).toBeGreaterThan(1)
		expect(Buffer.from(chunks[0]!).toString()).toContain('<h1>Shell</h1>')
		expect(Buffer.from(chunks[0]!).toString()).not.toContain('Streamed later')
		expect(html).toContain('Streamed later')
		expect(rendering.counts()).toEqual({ ended: 1, cancelled: 0 })
	})

	test('a reader that goes away stops the page: onCancel and onEnd once, nothing written after', async () => {
		const { Part: Pending, resolve } = suspendedPart()
		const rendering = render(
			<div>
				<Suspense fallback={<p>Loading</p>}>
					<Pending />
				</Suspense>
			</div>,
		)
		const reader = rendering.page.body.getReader()
		const first = await reader.read()
		expect(Buffer.from(first.value!).toString()).toContain('Loading')
		await reader.cancel()
		expect(rendering.counts()).toEqual({ ended: 1, cancelled: 1 })
		resolve('too late')
		await new Promise((done) => setTimeout(done, 20))
		expect(rendering.counts()).toEqual({ ended: 1, cancelled: 1 })
	})

	test('a fatal error while streaming errors the body', async () => {
		const page = createPageStream({ onEnd: () => {}, onCancel: () => {} })
		const destination = page.destination as unknown as { write(chunk: Uint8Array): boolean; destroy(error: Error): void }
		destination.write(new TextEncoder().encode('<p>part'))
		destination.destroy(new Error('render failed'))
		await expect(page.body.getReader().read()).rejects.toThrow('render failed')
	})
})
