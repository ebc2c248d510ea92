// The hub's way into the store: what it does beside what users do, kept off the store's public type.
import { toRaw } from 'vue'
import type { SseMessage } from '../core/protocol'
import type { createFeed, SseStoreConfig } from './feed'
import type { SnapshotExchange } from './snapshot'
import type { ConnectionSnapshot, SseSnapshot } from './state'
import { feedKey } from './useSseStore'
import type { SseStore } from './useSseStore'

/** What the hub does to the store beside what users do: not part of the public store type. */
export interface StoreFeed {
  /**
   * Counts and applies one decoded message; `known` is false for a messageType the library does not
   * know. Between `hold()` and `release()` Vue is told of the changes at `publish()`; until then the
   * calcs, counters and connection fields read through the store show them, while the alarm list is the
   * one published last and watchers and computeds have not heard of them.
   */
  apply(message: SseMessage, known: boolean): void
  /**
   * From now on, what `apply` changes waits for `publish()` or `release()` (a group of messages starts).
   * The group's messages arrived together: they are timed (`lastMessageAt`, `updatedAt`...) now.
   */
  hold(): void
  /** Tells Vue of what was applied since it last heard: each changed field once, with its latest value. */
  publish(): void
  /** Publishes, and from now on `apply` is told at once (the group of messages ends). */
  release(): void
  /** Updates the connection state; unknown keys are ignored. */
  setConnection(patch: Partial<ConnectionSnapshot>): void
  /** A message the decoder rejected. */
  countMalformed(): void
  /** A listener threw. */
  countHandlerError(): void
  /** The connection reopened after a drop. */
  countReconnect(): void
  /** Sets the bounds and success rule, trimming the lists to new bounds. */
  configure(config: Partial<SseStoreConfig>): void
  /**
   * A plain, serialisable copy of calcs, alarms, SCADA and counters (for another tab). `exchange` comes
   * with tab sharing, which loads on demand: a tab on its own never downloads it.
   */
  snapshot(exchange: SnapshotExchange): SseSnapshot
  /**
   * Merges a snapshot taken by `snapshot()` (e.g. in another tab): the newer record wins, alarms are
   * merged by id. Returns false, changing nothing, when the value is not such a snapshot.
   */
  hydrate(exchange: SnapshotExchange, snapshot: SseSnapshot): boolean
}

/** What the store keeps under `feedKey`: returned as a `StoreFeed`, the compiler holds it to the interface. */
type Feed = ReturnType<typeof createFeed>

/** The hub's side of a store. */
export function feedOf(store: SseStore): StoreFeed {
  // Read from the raw store: through its reactive proxy every read would be tracked.
  return (toRaw(store) as unknown as Record<typeof feedKey, Feed>)[feedKey]
}
