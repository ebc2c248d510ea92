// The store's data: the records it keeps, the state the reducers change, and a fresh state.
import type { RelayedConnectionState } from '../core/relayedState'
import type { SseRole } from '../core/role'
import type { AlarmLevel, AlarmPayload, CalcKind, CalcPayload, ScadaPayload } from '../core/protocol'

/**
 * What the store knows about the connection (plain data, never a live object): the state a leader
 * relays, without the reconnect count (kept per login in `stats.reconnects`), plus this tab's role.
 */
export interface ConnectionSnapshot extends Omit<RelayedConnectionState, 'reconnects'> {
  /** Which part this tab plays in the shared connection. */
  role: SseRole
}

export type CalcStatus = 'running' | 'succeeded' | 'failed'

/** One calculation run, keyed by `String(calcId)`, or by its kind when the server sends no calcId. */
export interface CalcRecord {
  id: string
  kind: CalcKind
  /** `calcName` of the latest message that had one. */
  name: string | null
  status: CalcStatus
  /** 0–100; never decreases within a run; 100 on success. */
  progress: number
  /** When the run started (ms since epoch); null when only its end was seen. */
  startedAt: number | null
  endedAt: number | null
  /** `message` of the latest message that had one. */
  message: string | null
  /** The latest payload, unchanged. */
  data: CalcPayload
  /** When the latest message about this calc arrived. */
  updatedAt: number
  /** Increases with every new run across all calcs: the larger, the more recent the run. */
  seq: number
}

export type AlarmKind = 'alarm' | 'anomaly'

/**
 * One eventAlarm (`4`) or dataAnomaly (`7`) message. Records are never changed in place: acknowledging
 * one replaces it, so a component holding the old object sees a new one.
 */
export interface AlarmRecord {
  /** `alarmId`, or generated from the messageType and the event id (or a counter). */
  id: string
  kind: AlarmKind
  /** The messageType it came with. */
  type: string
  /** The payload's level when it is a known one, else `warning`. */
  level: AlarmLevel
  title: string
  content: string
  /** The payload's `time`, as sent. */
  time: string | number | null
  /** When it arrived (ms since epoch). */
  receivedAt: number
  read: boolean
  /** The whole payload, unchanged. */
  data: AlarmPayload
}

export interface ScadaState {
  /** When the last SCADA pull notification arrived (ms since epoch). */
  lastPulledAt: number | null
  data: ScadaPayload | null
}

export interface SseStats {
  /** Messages decoded and applied. */
  received: number
  /** Messages the decoder rejected. */
  malformed: number
  /** Messages of a messageType the library does not know. */
  unknownType: number
  /** Listener calls that threw. */
  handlerErrors: number
  /** Reconnections after the first open. */
  reconnects: number
}

/**
 * The bound's queues and the counter behind run order and generated ids: what the data alone does not
 * tell (two calcs may end in the same millisecond), kept beside it and never part of a snapshot.
 */
export interface SseIndex {
  /** Ids of running calcs, in the order their runs started: the bound drops the first when none ended. */
  running: Set<string>
  /** Ids of finished calcs, in the order they ended: the bound drops the first. */
  finished: Set<string>
  /** Source of calc `seq` and of generated alarm ids. */
  counter: number
}

/** What the reducers change. */
export interface SseState {
  calcs: Record<string, CalcRecord>
  /** Newest first. */
  alarms: AlarmRecord[]
  scada: ScadaState
  stats: SseStats
  index: SseIndex
}

/** What `applyMessage` needs besides the message. */
export interface ApplyContext {
  /** The current time, ms since epoch. */
  now: number
  /** Calc end statuses that mean success. */
  successStatuses: ReadonlyArray<number | string>
  maxAlarms: number
  maxCalcs: number
  /**
   * The object to write a record's changes to. The store gives a calc record's raw object, whose
   * changes it tells Vue of once per group of messages (heldChanges.ts).
   * @default the record itself
   */
  edit?<T extends object>(target: T): T
}

/** What a message changed: the part of the state, or null when it changed nothing. */
export type ApplyResult = 'calc' | 'alarm' | 'scada' | null

/** The plain, serialisable copy handed from one tab to another. */
export interface SseSnapshot {
  version: 1
  calcs: Record<string, CalcRecord>
  alarms: AlarmRecord[]
  scada: ScadaState
  stats: SseStats
}

export function createConnectionSnapshot(): ConnectionSnapshot {
  return {
    status: 'idle',
    lastEventId: '',
    attempt: 0,
    error: null,
    openedAt: null,
    lastMessageAt: null,
    role: 'solo',
  }
}

/**
 * An empty map of calcs by id. Ids come from the server: without a prototype, `__proto__`,
 * `constructor` or `toString` are ids like any other.
 */
export function createCalcMap<T = CalcRecord>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

export function createInitialState(): SseState {
  return {
    calcs: createCalcMap(),
    alarms: [],
    scada: { lastPulledAt: null, data: null },
    stats: { received: 0, malformed: 0, unknownType: 0, handlerErrors: 0, reconnects: 0 },
    index: { running: new Set(), finished: new Set(), counter: 0 },
  }
}
