// The app's stream as a composable: connection state, connect/disconnect, and handlers removed with the scope.
import { tryOnScopeDispose } from '@vueuse/core'
import { computed } from 'vue'
import type { ComputedRef } from 'vue'
import type { SseHandler, SseListenType } from '../core/bus'
import type { SseStatus } from '../core/connection'
import type { SseErrorInfo } from '../core/errors'
import type { SseRole } from '../core/role'
import { useSseStore } from '../store/useSseStore'
import { useSseHub } from './useSseHub'

export interface UseSseReturn {
  /** Lifecycle of the stream this tab sees: `idle`, `connecting`, `open`, `reconnecting`, `closed`. */
  status: ComputedRef<SseStatus>
  /** Last event id received; '' before the first one. */
  lastEventId: ComputedRef<string>
  /** Last connection error as plain data, cleared by a good open. */
  error: ComputedRef<SseErrorInfo | null>
  /** Whether this tab holds the connection (`solo`, `leader`) or receives it from another (`follower`). */
  role: ComputedRef<SseRole>
  /** Opens the stream (for apps that do not drive it with `token` / `loggedIn`). */
  connect: () => void
  /** Closes the stream and resets the store. */
  disconnect: () => void
  /**
   * Adds a handler for a messageType (`'*'` for all); returns the function that removes it. Handlers
   * added here are also removed when the scope that called `useSse()` is disposed, and once it is
   * (a call after an await in a component that has unmounted), nothing is added.
   */
  on: <K extends SseListenType>(type: K, handler: SseHandler<K>) => () => void
  /** Like `on`, for the next message of this type only. */
  once: <K extends SseListenType>(type: K, handler: SseHandler<K>) => () => void
  /**
   * Removes a handler (one added here with `on`/`once`, or directly on the hub); returns whether it was
   * registered.
   */
  off: <K extends SseListenType>(type: K, handler: SseHandler<K>) => boolean
}

/** Connection state and the message bus of the app's hub. */
export function useSse(): UseSseReturn {
  const hub = useSseHub()
  const store = useSseStore()
  // Handlers added here, so that disposing the scope removes them; an entry leaves as soon as its
  // handler is gone (off, the returned function, or a `once` that fired), so nothing piles up.
  const added = new Set<Tracked>()
  let disposed = false

  tryOnScopeDispose(() => {
    disposed = true
    for (const entry of added) entry.off()
    added.clear()
  })

  function track<K extends SseListenType>(type: K, handler: SseHandler<K>, once: boolean): () => void {
    // The scope is gone (e.g. `on` after an await in a component that has unmounted since): nothing
    // would ever remove the handler.
    if (disposed) return noop
    const entry: Tracked = { type, handler: handler as SseHandler<string>, off: noop }
    const remove = (): void => {
      added.delete(entry)
      off()
    }
    const fired: SseHandler<K> = (data, message) => {
      added.delete(entry)
      handler(data, message)
    }
    const off = once ? hub.once(type, fired) : hub.on(type, handler)
    entry.off = remove
    added.add(entry)
    return remove
  }

  return {
    status: computed(() => store.connection.status),
    lastEventId: computed(() => store.connection.lastEventId),
    error: computed(() => store.connection.error),
    role: computed(() => store.connection.role),
    connect: () => hub.connect(),
    disconnect: () => hub.disconnect(),
    on: (type, handler) => track(type, handler, false),
    once: (type, handler) => track(type, handler, true),
    off(type, handler) {
      for (const entry of added) {
        if (entry.type === type && entry.handler === handler) {
          entry.off()
          return true
        }
      }
      return hub.off(type, handler)
    },
  }
}

interface Tracked {
  type: string
  handler: SseHandler<string>
  off: () => void
}

function noop(): void {}
