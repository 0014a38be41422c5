/**
 * What every way of signing in says to an account an admin suspended
 * (password, emailed link, provider, passkey). Plain module: the sign-in
 * pages render it, and Better Auth's admin plugin answers with it.
 */
export const SUSPENDED_MESSAGE = 'This account is suspended.'
