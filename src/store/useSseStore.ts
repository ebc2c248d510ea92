import { defineStore } from 'pinia'
import { computed, customRef, markRaw, reactive, ref, shallowRef } from 'vue'
import type { ComputedRef, Ref, ShallowRef } from 'vue'
import type { SseErrorInfo } from '../core/errors'
import { isRecord } from '../core/isRecord'
import { defaultCalcOptions, defaultStoreOptions } from '../options'
import { isAlarmType } from '../core/protocol'
import type { CalcKind, SseMessage } from '../core/protocol'
import {
  acknowledgeAlarms,
  acknowledgeAllAlarms,
  adoptCalcs,
  applyMessage,
  clearAlarms as clearAlarmList,
  createCalcMap,
  createInitialState,
  enforceBounds,
  hydrateState,
  latestCalc as findLatestCalc,
  runningCalcs as findRunningCalcs,
  takeSnapshot,
  unreadCount as countUnread,
} from './reducers'
import type {
  AlarmRecord,
  ApplyContext,
  CalcRecord,
  ConnectionSnapshot,
  ScadaState,
  SseIndex,
  SseSnapshot,
  SseState,
  SseStats,
} from './reducers'

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
  const initial = createInitialState()
  const connectionKeys = Object.keys(initial.connection) as Array<keyof ConnectionSnapshot>
  const connection: Ref<ConnectionSnapshot> = ref(initial.connection)
  // Calcs by id: a map without prototype, not itself reactive (Vue's proxies keep keys such as
  // `__proto__`, `__v_raw` or `__v_isReactive` for themselves, and ids come from the server), holding
  // reactive records. The ref is triggered when calcs come, go or start a new run, never on progress.
  let calcsMoved = false
  // Every record written into the calc map is stored reactive, so changes made through what the
  // reducers read back are seen.
  const calcMapHandler: ProxyHandler<Record<string, CalcRecord>> = {
    set(target, key, value) {
      calcsMoved = true
      return Reflect.set(target, key, typeof value === 'object' && value !== null ? reactive(value) : value)
    },
    deleteProperty(target, key) {
      calcsMoved = true
      return Reflect.deleteProperty(target, key)
    },
  }

  /** The records as a calc map of this store (a proxy over a map without prototype). */
  function newCalcMap(records: Record<string, CalcRecord>): Record<string, CalcRecord> {
    const map = new Proxy(createCalcMap(), calcMapHandler)
    if (isRecord(records)) for (const id of Object.keys(records)) map[id] = records[id]
    return map
  }

  let calcMap = newCalcMap(initial.calcs)
  let triggerCalcs = noop
  const calcs: Ref<Record<string, CalcRecord>> = customRef((track, trigger) => {
    triggerCalcs = trigger
    return {
      get() {
        track()
        return calcMap
      },
      set(value) {
        if (value !== calcMap) calcMap = newCalcMap(value)
        // Calcs set from outside join the bound's queues.
        adoptCalcs(view)
        calcsMoved = false
        trigger()
      },
    }
  })
  const alarms: ShallowRef<AlarmRecord[]> = shallowRef(initial.alarms)
  const scada: Ref<ScadaState> = ref(initial.scada)
  const stats: Ref<SseStats> = ref(initial.stats)

  // Not state: bounds and bookkeeping are neither reactive nor part of `$state`.
  // The bounds and success rule, reused as the context of every message (`now` is set each time).
  const config: ApplyContext = { now: 0, ...defaultStoreOptions, successStatuses: defaultCalcOptions.successStatuses }
  let index: SseIndex = initial.index

  // The reducers' view of the store: reads always go to the current values, whatever replaced them.
  const view: SseState = {
    get connection() {
      return connection.value
    },
    get calcs() {
      return calcs.value
    },
    get alarms() {
      return draft ?? alarms.value
    },
    get scada() {
      return scada.value
    },
    get stats() {
      return stats.value
    },
    get index() {
      return index
    },
  } as SseState

  /** Running calcs, oldest run first. */
  const runningCalcs: ComputedRef<CalcRecord[]> = computed(() => findRunningCalcs(view))

  /** The most recent run of a kind: `latestCalc('dyn')`. */
  const latestCalc: ComputedRef<(kind: CalcKind) => CalcRecord | undefined> = computed(() => (kind: CalcKind) => findLatestCalc(view, kind))

  /** Alarms not acknowledged yet. */
  const unreadCount: ComputedRef<number> = computed(() => countUnread(view))

  // The map's own writes (a calc came, went or started a new run) trigger the ref once the change is
  // whole, so that nothing sees a record half made.
  function publishCalcs(): void {
    if (!calcsMoved) return
    calcsMoved = false
    triggerCalcs()
  }

  // The reducers change the alarm list in place. A published list is never changed: a watcher's
  // previous value, or a list a component kept, stays what it was. They change a copy instead, which is
  // published (a new array: watchers and computeds compare identity) when something changed.
  let draft: AlarmRecord[] | null = null
  function changeAlarms(change: () => boolean): void {
    const copy = alarms.value.slice()
    draft = copy
    let changed = false
    try {
      changed = change()
    } finally {
      draft = null
    }
    if (changed) alarms.value = copy
  }

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
    const { status, role, attempt, openedAt } = connection.value
    const fresh = createInitialState()
    index = fresh.index
    connection.value = { ...fresh.connection, status, role, attempt, openedAt }
    calcs.value = fresh.calcs
    alarms.value = fresh.alarms
    scada.value = fresh.scada
    stats.value = fresh.stats
  }

  /** Counts and applies one decoded message. `known` is false for a messageType the library does not know. */
  function apply(message: SseMessage, known: boolean): void {
    const now = Date.now()
    const counters = stats.value
    counters.received++
    if (!known) counters.unknownType++
    const conn = connection.value
    conn.lastMessageAt = now
    const id = typeof message.id === 'string' ? message.id : ''
    // Setting an unchanged value through the reactive proxy triggers nothing.
    if (id) conn.lastEventId = id
    if (!known) return
    config.now = now
    const decoded = { type: message.type, data: rawCopy(message.data), id }
    if (isAlarmType(message.type)) {
      changeAlarms(() => applyMessage(view, decoded, config) === 'alarm')
    } else {
      applyMessage(view, decoded, config)
      publishCalcs()
    }
  }

  /** Updates the connection state; unknown keys are ignored. */
  function setConnection(patch: Partial<ConnectionSnapshot>): void {
    const conn = connection.value
    for (const key of connectionKeys) {
      // A key the patch does not have reads as undefined, and undefined is never set.
      const value = key === 'error' ? toErrorInfo(patch.error) : patch[key]
      if (value === undefined) continue
      // Every state change repeats the standing error in a new object: an equal one changes nothing.
      if (key === 'error' && sameError(conn.error, value as SseErrorInfo | null)) continue
      ;(conn as unknown as Record<string, unknown>)[key] = value
    }
  }

  /** A message the decoder rejected. */
  function countMalformed(): void {
    stats.value.malformed++
  }

  /** A listener threw. */
  function countHandlerError(): void {
    stats.value.handlerErrors++
  }

  /** The connection reopened after a drop. */
  function countReconnect(): void {
    stats.value.reconnects++
  }

  /** Sets the bounds and success rule, trimming the lists to new bounds. */
  function configure(options: Partial<SseStoreConfig>): void {
    if (options.maxAlarms !== undefined) config.maxAlarms = options.maxAlarms
    if (options.maxCalcs !== undefined) config.maxCalcs = options.maxCalcs
    if (options.successStatuses !== undefined) config.successStatuses = [...options.successStatuses]
    changeAlarms(() => {
      const before = view.alarms.length
      enforceBounds(view, config)
      return view.alarms.length !== before
    })
    publishCalcs()
  }

  /** A plain, serialisable copy of calcs, alarms, SCADA and counters (for another tab). */
  function snapshot(): SseSnapshot {
    return takeSnapshot(view)
  }

  /**
   * Merges a snapshot taken by `snapshot()` (e.g. in another tab): the newer record wins, alarms are
   * merged by id. Returns false, changing nothing, when the value is not such a snapshot.
   */
  function hydrate(value: SseSnapshot): boolean {
    let ok = false
    changeAlarms(() => (ok = hydrateState(view, prepareSnapshot(value), config)))
    publishCalcs()
    return ok
  }

  // What the hub does beside what users do. Under a symbol, Pinia neither wraps these as actions (no
  // `$onAction` round per message) nor puts them in the store's type or `$state`; `feedOf` reads them.
  const feed = { apply, setConnection, countMalformed, countHandlerError, countReconnect, configure, snapshot, hydrate }

  return {
    /** The connection as this tab sees it (plain data, kept in step by the hub). */
    connection,
    /** Calc records by id (`String(calcId)`, or the kind when the server sends none). */
    calcs,
    /** Alarms and data anomalies, newest first; a new array on every change. */
    alarms,
    /** The last SCADA pull notification. */
    scada,
    /** Message and error counters since login. */
    stats,
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
    ...({ [feedKey]: feed } as object),
  }
})

/** The store instance `useSseStore()` returns. */
export type SseStore = ReturnType<typeof useSseStore>

// Keys Vue reads on any object as its own flags. From a server they would make Vue take the payload
// for a ref (`__v_isRef`: read as its `value`), for a proxy of another object (`__v_raw`: the record
// would keep that object instead) or for reactive or readonly state.
const vueFlags = ['__v_isRef', '__v_raw', '__v_isReactive', '__v_isReadonly', '__v_isShallow', '__v_skip'] as const

// Payloads are kept as a shallow copy marked raw: Vue never deep-proxies them, and the object the
// listeners receive is left untouched. The copy goes without Vue's flag keys.
function rawCopy(data: unknown): unknown {
  if (!isRecord(data)) return data
  const copy = { ...data }
  for (const flag of vueFlags) if (flag in copy) delete copy[flag]
  return markRaw(copy)
}

/** A copy of a snapshot's record with its payload made raw; anything else unchanged. */
function withRawData(record: unknown): unknown {
  return isRecord(record) ? { ...record, data: rawCopy(record.data) } : record
}

function prepareSnapshot(value: unknown): unknown {
  const snap = value as Partial<SseSnapshot>
  if (!isRecord(value) || typeof snap.calcs !== 'object' || !Array.isArray(snap.alarms)) return value
  const calcs = createCalcMap<unknown>()
  for (const id in snap.calcs) calcs[id] = withRawData(snap.calcs[id])
  return { ...snap, calcs, alarms: snap.alarms.map(withRawData), scada: withRawData(snap.scada) }
}

function noop(): void {}

function sameError(a: SseErrorInfo | null, b: SseErrorInfo | null): boolean {
  if (a === null || b === null) return a === b
  return a.kind === b.kind && a.message === b.message && a.status === b.status && a.messageType === b.messageType
}

function toErrorInfo(error: SseErrorInfo | null | undefined): SseErrorInfo | null | undefined {
  if (error === null || error === undefined) return error
  // An SseError instance is a live object with a cause: keep only its plain fields.
  const info: SseErrorInfo = { kind: error.kind, message: error.message }
  if (error.status !== undefined) info.status = error.status
  if (error.messageType !== undefined) info.messageType = error.messageType
  return info
}
