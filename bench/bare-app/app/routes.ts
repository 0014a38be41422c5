import { type RouteConfig, route } from '@react-router/dev/routes'

export default [route('tasks', 'routes/tasks.tsx')] satisfies RouteConfig
