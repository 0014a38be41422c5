/**
 * zod for the form schemas (each feature's +shared/schemas.ts): imported from here so that
 * wherever a schema reaches the browser, zod is configured there first.
 * In the browser zod must not probe for eval (new Function): under the CSP
 * that probe is a reported violation. It runs without JIT there.
 */
import { z } from 'zod'

if (typeof document !== 'undefined') z.config({ jitless: true })

export { z }
