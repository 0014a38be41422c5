import { createLogger } from '#common/logger.ts'

/** The app's structured logger (JSON lines, credentials redacted). */
export const logger = createLogger('taskwell-app')
