// Runs work the page does not wait for in an idle task of its own, so it never lengthens a task that is busy.

/**
 * Runs `callback` in a task of its own once the page is idle: `requestIdleCallback`, or a timer where
 * there is none (Safari, Node). Looked up on each call through globalThis: tests replace the timers,
 * and the published types must not need the DOM's idle callbacks.
 *
 * No timeout: past it, the callback would run as an ordinary task while the page is busy, and the
 * page may be busy with the very burst of messages the work was to prepare for. A page that is never
 * idle simply never gets it.
 *
 * @returns cancels the call if it has not run yet
 */
export function whenIdle(callback: () => void): () => void {
  const { requestIdleCallback, cancelIdleCallback } = globalThis as Partial<typeof globalThis>
  if (typeof requestIdleCallback === 'function' && typeof cancelIdleCallback === 'function') {
    const handle = requestIdleCallback(callback)
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(callback, 0)
  return () => clearTimeout(timer)
}
