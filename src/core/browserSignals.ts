// The browser's signals a connection follows: online/offline and the tab's visibility. Every access is
// guarded, as the core also runs in Node and during SSR.

/** The listeners, named after the events they hear. */
export interface BrowserSignalListeners {
  online(): void
  offline(): void
  visibilitychange(): void
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false
}

/** The tab is hidden and `pauseWhenHidden` asks to pause then. */
export function isHidden(options: { readonly pauseWhenHidden?: boolean }): boolean {
  // Read each time (and at each listen): the hub's value follows the tab's role.
  return options.pauseWhenHidden === true && typeof document !== 'undefined' && document.hidden === true
}

/**
 * Returns `listen(on)`, which adds (`on`) or removes the listeners, once each way. The visibility
 * listener is added only when `pauseWhenHidden` is on at that moment.
 */
export function browserSignals(
  listeners: BrowserSignalListeners,
  options: { readonly pauseWhenHidden?: boolean },
): (on: boolean) => void {
  let listening = false
  return (on) => {
    if (listening === on) return
    listening = on
    const method = on ? 'addEventListener' : 'removeEventListener'
    if (typeof window !== 'undefined' && typeof window[method] === 'function') {
      window[method]('online', listeners.online)
      window[method]('offline', listeners.offline)
    }
    // Removing is unconditional: a listener that was never added is simply not found.
    if ((!on || options.pauseWhenHidden) && typeof document !== 'undefined' && typeof document[method] === 'function') {
      document[method]('visibilitychange', listeners.visibilitychange)
    }
  }
}
