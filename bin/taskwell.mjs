#!/usr/bin/env node
// @ts-check
/**
 * `npx taskwell`: Taskwell's command-line client (issue 26). Plain Node ≥ 20
 * ESM with no dependencies, run straight from a checkout (`node
 * bin/taskwell.mjs …`) or as this package's bin.
 *
 * Why it works this way: the long-lived secret stays at the app. The CLI
 * never sees a password, a session cookie or the app's signing keys; `taskwell
 * login` signs in through the browser (the OAuth device authorization grant,
 * RFC 8628: the user allows the CLI on /device while signed in there) and
 * gets back only a refresh credential, scoped (tasks:read, and tasks:write
 * unless --read-only), listed and revocable in Settings → Access tokens. Each
 * command exchanges it at the app for a 5-minute JWT and calls the task API
 * with that, so a token that leaks from a terminal or a log is dead within
 * minutes, and `taskwell logout` (or the Settings page) revokes the
 * credential itself. The credential lives in credentials.json (mode 0600, in
 * a 0700 directory: see taskwell/config.mjs) and is never printed, nor is
 * any JWT, not even with --json.
 */
import { main } from './taskwell/cli.mjs'

process.exitCode = await main(process.argv.slice(2))
