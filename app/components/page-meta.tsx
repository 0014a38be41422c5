/**
 * React Router's <Meta />, with "Error: " before the title while the page
 * shows a failed form submission (an action's data with errors, see
 * hasFormError), so that a screen reader user hears at once that the post
 * did not go through. Works on the server render (the no-JavaScript reply
 * to a POST) and after a submission with JavaScript alike.
 *
 * Route meta functions do not receive action data, so this reads the
 * router's state and hands <Meta /> route modules whose meta functions
 * prefix the title (React Router's UNSAFE_ contexts: the framework's own).
 */
import { useContext, useMemo } from 'react'
import { Meta, UNSAFE_DataRouterStateContext, UNSAFE_FrameworkContext, type MetaDescriptor } from 'react-router'
import { hasFormError } from './forms.tsx'

type RouteModules = NonNullable<React.ContextType<typeof UNSAFE_FrameworkContext>>['routeModules']
type MetaArgs = Parameters<Extract<NonNullable<RouteModules[string]>['meta'], (...args: never[]) => unknown>>[0]

function withErrorTitles(routeModules: RouteModules): RouteModules {
	const result: RouteModules = {}
	for (const [id, module] of Object.entries(routeModules)) {
		const meta = module?.meta
		if (!module || typeof meta !== 'function') {
			result[id] = module
			continue
		}
		result[id] = {
			...module,
			meta: (args: MetaArgs) =>
				(meta(args) ?? []).map((descriptor: MetaDescriptor) =>
					descriptor && 'title' in descriptor ? { title: `Error: ${String(descriptor.title)}` } : descriptor,
				),
		}
	}
	return result
}

export function PageMeta() {
	const framework = useContext(UNSAFE_FrameworkContext)
	const state = useContext(UNSAFE_DataRouterStateContext)
	const failed = Object.values(state?.actionData ?? {}).some(hasFormError)
	const value = useMemo(
		() => (failed && framework ? { ...framework, routeModules: withErrorTitles(framework.routeModules) } : framework),
		[failed, framework],
	)
	if (!failed) return <Meta />
	return (
		<UNSAFE_FrameworkContext.Provider value={value}>
			<Meta />
		</UNSAFE_FrameworkContext.Provider>
	)
}
