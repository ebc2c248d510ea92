// Runs work the page does not wait for in an idle task of its own, so it never lengthens a task that is busy.

/**
 * The longest an idle task may wait for the page to go idle, in ms. A page kept busy (or hidden) still
 * gets it, as an ordinary task, soon enough to be done before a first burst of messages would need it.
 */
const IDLE_TIMEOUT_MS = 1000

/**
 * Runs `callback` in a task of its own once the page is idle: `requestIdleCallback`, or a timer where
 * there is none (Safari, Node). Looked up on each call through globalThis: tests replace the timers,
 * and the published types must not need the DOM's idle callbacks.
 *
 * @returns cancels the call if it has not run yet
 */
export function whenIdle(callback: () => void): () => void {
  const { requestIdleCallback, cancelIdleCallback } = globalThis as Partial<typeof globalThis>
  if (typeof requestIdleCallback === 'function' && typeof cancelIdleCallback === 'function') {
    const handle = requestIdleCallback(() => callback(), { timeout: IDLE_TIMEOUT_MS })
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(callback, 0)
  return () => clearTimeout(timer)
}
