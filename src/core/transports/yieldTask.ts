// Yielding to the page between slices of a burst: a later task, not throttled in background tabs.
/**
 * Resolves in a later task of the event loop, so the browser can render and handle input in between.
 * `setImmediate` where it exists (Node), else a `MessageChannel` message: unlike timers, neither is
 * clamped nor throttled in background tabs, where alarms must keep flowing.
 */
export function yieldTask(): Promise<void> {
  // Looked up on each call (test clocks replace it) and through globalThis: the published types
  // must not need Node's.
  const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown }
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(() => resolve())
    else if (typeof MessageChannel === 'function') {
      channel ??= createChannel()
      waiting.push(resolve)
      channel.port2.postMessage(null)
    } else setTimeout(resolve, 0)
  })
}

const waiting: Array<() => void> = []
let channel: MessageChannel | undefined

function createChannel(): MessageChannel {
  const created = new MessageChannel()
  created.port1.onmessage = () => waiting.shift()?.()
  return created
}

/** A clock for time budgets: `performance.now()` when there is one. */
export function monotonicNow(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}
