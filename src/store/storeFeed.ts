// What the hub does to the store beside what users do.
import type { SseStore } from './useSseStore'

/** What the hub does to the store beside what users do. */
export type StoreFeed = Pick<SseStore, 'apply' | 'setConnection' | 'countMalformed' | 'countHandlerError' | 'countReconnect' | 'configure' | 'snapshot' | 'hydrate'>

export function feedOf(store: SseStore): StoreFeed {
  return store
}
