// Finds the hub's Pinia store late: the plugin may be installed before Pinia, and a hub created
// outside an app meets Pinia whenever the app makes one active.
import { getActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { hasInjectionContext } from 'vue'
import { useSseStore } from '../store/useSseStore'
import type { SseStore } from '../store/useSseStore'

/** The store, once there is one to feed. */
export interface StoreLink {
  /** The store, or undefined while no Pinia is found (asked again next time). */
  get(): SseStore | undefined
}

/**
 * @param pinia the Pinia to feed, or a getter resolving it late (the plugin's: the app's `$pinia`)
 * @param onLinked runs once, with the store, when it is first found: configure it, catch it up
 */
export function createStoreLink(pinia: Pinia | (() => Pinia | undefined) | undefined, onLinked: (store: SseStore) => void): StoreLink {
  let store: SseStore | undefined

  function find(): SseStore | undefined {
    const found = typeof pinia === 'function' ? pinia() : pinia
    // A getter that finds no Pinia yet means "not yet": Pinia's fallback, the active instance, may be
    // another app's, and the store would stay bound to it.
    if (found === undefined && typeof pinia === 'function') return undefined
    // No Pinia anywhere yet: asking for the store would only throw, once per message.
    if (found === undefined && !getActivePinia() && !hasInjectionContext()) return undefined
    try {
      return useSseStore(found)
    } catch {
      return undefined
    }
  }

  return {
    get() {
      if (store) return store
      store = find()
      if (store) onLinked(store)
      return store
    },
  }
}
