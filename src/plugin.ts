// The Vue plugin: provides the hub to the app, checks Pinia, and disposes everything on unmount.
import type { App, Plugin } from 'vue'
import { markRaw } from 'vue'
import type { Pinia } from 'pinia'
import { getActiveHub, setActiveHub } from './composables/useSseHub'
import { SseError } from './core/errors'
import { guarded } from './core/guard'
import { LOG_PREFIX, warn } from './core/log'
import { createSseHub } from './hub'
import { sseHubKey } from './keys'
import type { SseHub } from './hub'
import type { SseHubOptions } from './options'

// The fix is development-only text, as every set-up explanation: production builds say what is wrong.
const PINIA_MISSING = __DEV__
  ? 'Pinia is not installed, so the store, useCalc() and useAlarms() cannot work. ' +
    'Fix: app.use(createPinia()) before app.mount() (before or after app.use(ssePlugin)).'
  : 'Pinia is not installed'

// Hubs of the apps still mounted, in install order: when one unmounts, code outside components
// falls back to the most recent one left (several apps on one page).
const mountedHubs: SseHub[] = []

/**
 * The Vue plugin: `app.use(ssePlugin, { url, token })`. Provides the hub (inject with `useSse()` or
 * `this.$sse`), opens the stream on login, closes it and resets the store on logout, and disposes
 * everything when the app unmounts. Pinia may be installed before or after it.
 */
export const ssePlugin: Plugin<[SseHubOptions]> = /* @__PURE__ */ markRaw({
  install(app: App, options: SseHubOptions): void {
    const isBrowser = typeof window !== 'undefined'
    const piniaOf = (): Pinia | undefined => app.config.globalProperties.$pinia as Pinia | undefined
    const hub = createSseHub(options, {
      pinia: piniaOf,
      appContext: app._context,
      autoConnect: isBrowser,
    })

    // During server-side rendering nothing connects, not even a component's explicit connect(): the
    // server never unmounts the app, so the stream and its retries would outlive the request.
    const provided: SseHub = isBrowser ? hub : Object.create(hub, { connect: { value: () => {} } })
    app.provide(sseHubKey, provided)
    app.config.globalProperties.$sse = provided
    // A server-rendered app never unmounts, and one server renders many users' requests at once: its
    // hub is never the fallback of code outside components (it would reach another request's store).
    if (isBrowser) {
      mountedHubs.push(hub)
      setActiveHub(hub)
    }

    // Vue Devtools: development builds only (production builds drop this and its chunk), and not
    // under a test runner, as pinia does.
    if (__DEV__ && isBrowser && !underTestRunner()) {
      void import('./devtools/setupDevtools').then(
        ({ setupDevtools }) => setupDevtools(app, hub),
        (cause: unknown) => warn(`Vue Devtools could not be set up: ${String(cause)}`),
      )
    }

    // Plugins are usually installed in one synchronous chain: check Pinia once the chain is done.
    void Promise.resolve().then(() => {
      if (piniaOf()) return
      warn(PINIA_MISSING, 'error')
      // As everywhere else: the app's error callback must not leave a rejected promise.
      guarded(() => options.onError?.(new SseError('config', `${LOG_PREFIX} ${PINIA_MISSING}`)))
    })

    app.onUnmount(() => {
      hub.dispose()
      const at = mountedHubs.indexOf(hub)
      if (at !== -1) mountedHubs.splice(at, 1)
      if (getActiveHub() === hub) setActiveHub(mountedHubs[mountedHubs.length - 1])
    })
  },
})

/** Whether a test runner (Vitest, Jest) runs the app: NODE_ENV is `test` there. */
function underTestRunner(): boolean {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV === 'test'
}
