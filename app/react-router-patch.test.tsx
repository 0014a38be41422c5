/**
 * patches/react-router+7.18.4.patch (docs/decisions/0006): React Router
 * builds the route tree a page renders with once per build, not once per
 * request. Two requests through a real request handler and a real
 * ServerRouter render must see the very same routes; and each still renders
 * its own page, with its own data.
 */
import { useContext } from 'react'
import { renderToString } from 'react-dom/server'
import {
	createRequestHandler,
	Outlet,
	ServerRouter,
	UNSAFE_DataRouterContext,
	useLoaderData,
	type EntryContext,
	type ServerBuild,
} from 'react-router'
import { expect, test } from 'vitest'

const routesSeen: unknown[] = []
const routeModulesSeen: unknown[] = []

function Page() {
	routesSeen.push(useContext(UNSAFE_DataRouterContext)?.router.routes)
	const { name } = useLoaderData<{ name: string }>()
	return <p>{`page ${name}`}</p>
}

const entryRoute = (id: string, parentId?: string) => ({
	id,
	parentId,
	path: id === 'root' ? '' : ':name',
	module: `/${id}.js`,
	hasAction: false,
	hasLoader: id !== 'root',
	hasClientAction: false,
	hasClientLoader: false,
	hasClientMiddleware: false,
	hasErrorBoundary: false,
	clientActionModule: undefined,
	clientLoaderModule: undefined,
	clientMiddlewareModule: undefined,
	hydrateFallbackModule: undefined,
})

const build = {
	entry: {
		module: {
			default(request: Request, status: number, headers: Headers, context: EntryContext) {
				routeModulesSeen.push(context.routeModules)
				const html = renderToString(<ServerRouter context={context} url={request.url} />)
				return new Response(html, { status, headers })
			},
		},
	},
	routes: {
		root: { id: 'root', path: '', module: { default: () => <Outlet /> } },
		page: {
			id: 'page',
			parentId: 'root',
			path: ':name',
			module: { default: Page, loader: ({ params }: { params: { name: string } }) => ({ name: params.name }) },
		},
	},
	assets: {
		entry: { module: '/entry.js', imports: [] },
		routes: { root: entryRoute('root'), page: entryRoute('page', 'root') },
		url: '/manifest.js',
		version: 'test',
	},
	publicPath: '/',
	assetsBuildDirectory: 'build/client',
	future: {},
	ssr: true,
	isSpaMode: false,
	prerender: [],
	basename: '/',
	routeDiscovery: { mode: 'initial', manifestPath: '/__manifest' },
} as unknown as ServerBuild

test('two requests render from the same route tree, each with its own data', async () => {
	const handle = createRequestHandler(build, 'production')
	const first = await handle(new Request('http://localhost/one'))
	const second = await handle(new Request('http://localhost/two'))

	expect(first.status).toBe(200)
	expect(await first.text()).toContain('page one')
	expect(await second.text()).toContain('page two')
	expect(routesSeen).toHaveLength(2)
	expect(routesSeen[0]).toBeDefined()
	expect(routesSeen[1]).toBe(routesSeen[0])
	expect(routeModulesSeen[1]).toBe(routeModulesSeen[0])
})
