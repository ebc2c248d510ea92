// The Pinia store `sse` as users see it: its state, getters and actions, over the mechanics named in the
// modules beside it.
import { defineStore } from 'pinia'
import { computed } from 'vue'
import type { ComputedRef } from 'vue'
import type { CalcKind } from '../core/protocol'
import { acknowledgeAlarms, acknowledgeAllAlarms, clearAlarms as clearAlarmList, unreadCount as countUnread } from './alarms'
import { latestCalc as findLatestCalc, runningCalcs as findRunningCalcs } from './calcs'
import { createFeed } from './feed'
import type { CalcRecord } from './state'
import { createStoreState } from './storeState'

/** Where the store keeps what only the hub calls (read it with `feedOf`); the package does not export it. */
export const feedKey: unique symbol = Symbol('sse store feed')

/**
 * The Pinia store (id `sse`) the hub feeds: connection state, calcs, alarms, SCADA and counters.
 *
 * `alarms` is a plain array of plain records in a shallow ref, so a burst of alarms costs no deep
 * proxies: every change publishes a new array (the previous one, e.g. a watcher's old value, stays as it
 * was), and a changed record is a new object. Change them through
 * `acknowledge`, `acknowledgeAll` and `clearAlarms`. Payloads (`data`) are never made reactive.
 */
export const useSseStore = /* @__PURE__ */ defineStore('sse', () => {
  const state = createStoreState()
  const { view, changeAlarms } = state

  /** Running calcs, oldest run first. */
  const runningCalcs: ComputedRef<CalcRecord[]> = computed(() => findRunningCalcs(view))

  /** The most recent run of a kind: `latestCalc('dyn')`. */
  const latestCalc: ComputedRef<(kind: CalcKind) => CalcRecord | undefined> = computed(() => (kind: CalcKind) => findLatestCalc(view, kind))

  /** Alarms not acknowledged yet. */
  const unreadCount: ComputedRef<number> = computed(() => countUnread(view))

  /** Marks one alarm read, or a selection of them (e.g. the checked rows of a table) in one change. */
  function acknowledge(ids: string | readonly string[]): void {
    changeAlarms(() => acknowledgeAlarms(view, typeof ids === 'string' ? [ids] : ids) > 0)
  }

  /** Marks every alarm read. */
  function acknowledgeAll(): void {
    changeAlarms(() => acknowledgeAllAlarms(view) > 0)
  }

  /** Removes every alarm. */
  function clearAlarms(): void {
    changeAlarms(() => {
      clearAlarmList(view)
      return true
    })
  }

  /**
   * Forgets the user's data: calcs, alarms, SCADA, counters and the connection's last id and error
   * (logout calls it). The connection's `status`, `role`, `attempt` and `openedAt` describe the live
   * connection, so they stay.
   */
  function reset(): void {
    state.reset()
  }

  return {
    /** The connection as this tab sees it (plain data, kept in step by the hub). */
    connection: state.connection,
    /** Calc records by id (`String(calcId)`, or the kind when the server sends none). */
    calcs: state.calcs,
    /** Alarms and data anomalies, newest first; a new array on every change. */
    alarms: state.alarms,
    /** The last SCADA pull notification. */
    scada: state.scada,
    /** Message and error counters since login. */
    stats: state.stats,
    /** Running calcs, oldest run first. */
    runningCalcs,
    /** The most recent run of a kind: `latestCalc('dyn')`. */
    latestCalc,
    /** Alarms not acknowledged yet. */
    unreadCount,
    /** Marks one alarm read. */
    acknowledge,
    /** Marks every alarm read. */
    acknowledgeAll,
    /** Removes every alarm. */
    clearAlarms,
    /** Forgets the user's data (logout calls it); the live connection status stays. */
    reset,
    // What the hub does beside what users do. Under a symbol, Pinia neither wraps these as actions (no
    // `$onAction` round per message) nor puts them in the store's type or `$state`; `feedOf` reads them.
    ...({ [feedKey]: createFeed(state) } as object),
  }
})

/** The store instance `useSseStore()` returns. */
export type SseStore = ReturnType<typeof useSseStore>
