// The notifier as the hub holds it: the popups' code is loaded on the first message, in a chunk of its own.
import type { AppContext } from 'vue'
import { SseError } from '../core/errors'
import type { CalcOptions, NotifyOptions } from '../options'
import type { SseMessage } from '../core/protocol'
import type { Notifier } from './notifier'

// Loads still running, so that tests can wait until popups are decided (development builds only).
const loading = new Set<Promise<unknown>>()

/**
 * The notifier of `createNotifier`, loaded on first use: popups (Element Plus, renderers, labels) are
 * a chunk of their own, which an app with `notify: false` never downloads. Messages that arrive while
 * it loads are handed to it in order, each with the time it arrived, so storm control decides as if
 * it had been there from the start. A failed load (e.g. a chunk gone after a deploy) is reported as
 * kind `handler`, those popups are dropped, and the next message tries again.
 */
export function createLazyNotifier(
  options: NotifyOptions | undefined,
  calc: CalcOptions | undefined,
  appContext: AppContext | null,
  onError: (error: SseError) => void,
): Notifier {
  let notifier: Notifier | undefined
  let waiting: Array<[message: SseMessage, receivedAt: number]> = []
  let pending: Promise<void> | undefined
  let disposed = false
  // A logout while the popups load: the user is gone, nothing to ready them for.
  let loggedOut = false

  function load(): void {
    if (pending) return
    const current: Promise<void> = import('./notifier').then(
      ({ createNotifier }) => {
        if (disposed) return
        let replayedAt: number | undefined
        const created = createNotifier(options, calc, appContext, undefined, onError, () => replayedAt ?? Date.now())
        for (const [message, receivedAt] of waiting) {
          replayedAt = receivedAt
          created.notify(message)
        }
        replayedAt = undefined
        waiting = []
        notifier = created
        // Loaded at login: the idle time before the first burst is when to ready the first popups.
        if (!loggedOut) created.warmUp()
      },
      (cause: unknown) => {
        pending = undefined
        waiting = []
        onError(new SseError('handler', `The popups could not be loaded: ${String(cause)}`, { cause }))
      },
    )
    pending = current
    if (__DEV__) {
      loading.add(current)
      void current.finally(() => loading.delete(current))
    }
  }

  load()
  return {
    notify(message) {
      if (notifier) return notifier.notify(message)
      if (disposed) return
      waiting.push([message, Date.now()])
      load()
    },
    closeAll() {
      if (notifier) notifier.closeAll()
      else {
        waiting = []
        loggedOut = true
      }
    },
    dispose() {
      disposed = true
      waiting = []
      notifier?.dispose()
    },
  }
}

/** Resolves once every notifier that is loading has loaded (or failed to). For tests: development builds only. */
export async function notifiersLoaded(): Promise<void> {
  while (loading.size > 0) await Promise.allSettled([...loading])
}
