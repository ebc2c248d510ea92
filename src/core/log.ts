// What the library writes to the console: one prefix, debug lines only when asked, warnings only in
// development builds.

/** The prefix of every console line and of the set-up errors the library throws. */
export const LOG_PREFIX = '[vue-sse-hub]'

/** Writes a debug line, or nothing: the `debug` option decides once. */
export type DebugLog = (...args: unknown[]) => void

const silent: DebugLog = () => {}

/** `console.debug` with the prefix when `enabled` (the `debug` option), else a function that does nothing. */
export function createDebugLog(enabled: boolean | undefined): DebugLog {
  return enabled === true ? (...args) => console.debug(LOG_PREFIX, ...args) : silent
}

/**
 * A development-only console line that says what is wrong and how to fix it; production builds drop
 * the call (the app's `onError` still hears of real errors).
 */
export function warn(message: string, level: 'warn' | 'error' = 'warn'): void {
  if (__DEV__) console[level](`${LOG_PREFIX} ${message}`)
}
