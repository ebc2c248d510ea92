// What the hub does to the store beside what users do, on the store's state. The store keeps these
// functions out of its public type; `feedOf` (storeFeed.ts) hands them to the hub.
import { isAlarmType } from '../core/protocol'
import type { SseMessage } from '../core/protocol'
import { patchConnection } from './connectionPatch'
import { rawCopy } from './rawPayload'
import { applyMessage, enforceBounds } from './reducers'
import type { SnapshotExchange } from './snapshot'
import type { ConnectionSnapshot, SseSnapshot } from './state'
import type { StoreState } from './storeState'

/** Bounds and success rule the store applies; set by the hub from its options. */
export interface SseStoreConfig {
  /**
   * Alarms kept; the oldest are dropped first.
   * @default 500
   */
  maxAlarms: number
  /**
   * Calc records kept; finished ones are dropped first.
   * @default 200
   */
  maxCalcs: number
  /**
   * Calc end statuses that mean success.
   * @default [1, 'success']
   */
  successStatuses: ReadonlyArray<number | string>
}

export function createFeed(state: StoreState) {
  const { connection, stats, view, config, changeAlarms, publishCalcs, heldStats, heldConnection, holdAlarms, publish } = state
  // Between hold() and release() what apply() changes waits for publish(); otherwise it is told at once.
  let holding = false
  // When the group's messages arrived (they came together): the clock is read once per group.
  let heldAt = 0
  return {
    apply(message: SseMessage, known: boolean): void {
      const now = holding ? heldAt : Date.now()
      const counters = heldStats()
      counters.received++
      if (!known) counters.unknownType++
      const conn = heldConnection()
      conn.lastMessageAt = now
      const id = typeof message.id === 'string' ? message.id : ''
      if (id) conn.lastEventId = id
      if (known) {
        config.now = now
        if (isAlarmType(message.type)) {
          const decoded = { type: message.type, data: rawCopy(message.data), id }
          holdAlarms(() => applyMessage(view, decoded, config) === 'alarm')
        } else {
          // A calc's or SCADA's payload is copied when published: of a run of progress messages, once.
          applyMessage(view, message, config)
        }
      }
      if (!holding) publish()
    },
    hold(): void {
      holding = true
      heldAt = Date.now()
    },
    publish,
    release(): void {
      holding = false
      publish()
    },
    // The changes below are told at once, after what was held: in the order they happened.
    setConnection(patch: Partial<ConnectionSnapshot>): void {
      publish()
      patchConnection(connection.value, patch)
    },
    countMalformed(): void {
      publish()
      stats.value.malformed++
    },
    countHandlerError(): void {
      publish()
      stats.value.handlerErrors++
    },
    countReconnect(): void {
      publish()
      stats.value.reconnects++
    },
    configure(options: Partial<SseStoreConfig>): void {
      if (options.maxAlarms !== undefined) config.maxAlarms = options.maxAlarms
      if (options.maxCalcs !== undefined) config.maxCalcs = options.maxCalcs
      if (options.successStatuses !== undefined) config.successStatuses = [...options.successStatuses]
      changeAlarms(() => {
        const before = view.alarms.length
        enforceBounds(view, config)
        return view.alarms.length !== before
      })
      publishCalcs()
    },
    snapshot(exchange: SnapshotExchange): SseSnapshot {
      publish()
      return exchange.takeSnapshot(view)
    },
    hydrate(exchange: SnapshotExchange, snapshot: SseSnapshot): boolean {
      let ok = false
      changeAlarms(() => (ok = exchange.hydrateState(view, exchange.rawSnapshot(snapshot), config)))
      publishCalcs()
      return ok
    },
  }
}
